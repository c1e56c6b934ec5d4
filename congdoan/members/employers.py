"""The registry employer of many people at once: the staff of an enterprise whose union is
linked to it, or a roster naming one employer for all its rows.

One update for all of them (update_member would take a query and a lock per person), an
audit entry per person with the employer before and after, as update_member records it,
and the kept counts told of the sector each person's spans now count in.
"""

from congdoan.core import audit
from congdoan.members import span_hooks
from congdoan.members.models import Member


def set_employer(*, actor, enterprise, member_ids: list[int], reason: str = "") -> int:
    """Make `enterprise` the registry employer of these people (and the words of their
    employer, where there were none, its name); returns how many changed."""
    before = {
        pk: (enterprise_id, employer_name)
        for pk, enterprise_id, employer_name in Member.objects.filter(pk__in=member_ids)
        .exclude(enterprise=enterprise)
        .values_list("pk", "enterprise_id", "employer_name")
    }
    if not before:
        return 0
    changing = sorted(before)
    with span_hooks.Tracking(changing):
        Member.objects.filter(pk__in=changing).update(enterprise=enterprise)
        Member.objects.filter(pk__in=changing, employer_name="").update(
            employer_name=enterprise.name
        )

    def change(pk: int) -> tuple[dict, dict]:
        old_enterprise, old_name = before[pk]
        was = {"enterprise": None if old_enterprise is None else str(old_enterprise)}
        now = {"enterprise": str(enterprise.pk)}
        if not old_name:
            was["employer_name"], now["employer_name"] = "", enterprise.name
        return was, now

    audit.record_many(
        audit.entry(
            actor=actor,
            obj=person,
            action=audit.AuditEntry.Action.UPDATE,
            before=change(person.pk)[0],
            after=change(person.pk)[1],
            operation="set_employer",
            reason=reason,
        )
        for person in Member.objects.filter(pk__in=changing)
    )
    return len(changing)
