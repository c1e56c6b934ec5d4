"""Reading import jobs: a user sees their own, an administrator everyone's."""

from django.db.models import QuerySet
from django.http import Http404

from congdoan.accounts.scope import scope_for
from congdoan.imports.models import ImportJob

LISTED = 100


def visible_jobs(user) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("user")
    if scope_for(user).is_everything:
        return jobs
    return jobs.filter(user=user) if user.is_authenticated else jobs.none()


def get_job(user, pk: int) -> ImportJob:
    """The job if `user` may see it; 404 otherwise, so others' jobs stay unknown."""
    job = visible_jobs(user).filter(pk=pk).first()
    if job is None:
        raise Http404(pk)
    return job
