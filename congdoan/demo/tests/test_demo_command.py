"""`congdoan demo` and `congdoan serve`: load once, print the logins, hand over to gunicorn."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from congdoan.demo import data, services
from congdoan.members.models import Member, Membership
from congdoan.org.models import Unit
from congdoan.web.management.commands import serve

TODAY = dt.date(2026, 1, 31)


@pytest.fixture
def small_demo(monkeypatch, settings, tmp_path):
    """The command as it is, loading a small demo and collecting static files under tmp.

    Returns the days the demo was loaded for, one per load.
    """
    loads = []
    load_demo = services.load_demo

    def load_small(*, today):
        loads.append(today)
        return load_demo(today=today, size=20)

    monkeypatch.setattr(services, "load_demo", load_small)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return loads


@pytest.fixture
def execs(monkeypatch):
    """What the serve command would exec, instead of replacing the test process."""
    calls = []
    monkeypatch.setattr(serve, "exec_gunicorn", lambda argv, **_options: calls.append(argv))
    return calls


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_loads_once_then_only_prints_the_logins(db, small_demo):
    first = demo("--no-serve")
    units = Unit.objects.count()
    second = demo("--no-serve")

    assert Unit.objects.count() == units
    assert len(small_demo) == 1
    members = services.summarise(today=dt.date.today())
    assert members.members_2023 > 0 and members.members_today > 0
    for out in (first, second):
        assert data.PASSWORD in out and "http://127.0.0.1:8000/" in out
        assert f" {members.members_2023} " in out and f" {members.members_today} " in out
        for user in data.DEMO_USERS:
            assert f"  {user.username} " in out


def test_demo_serves_through_the_serve_command_unless_told_not_to(db, small_demo, execs):
    demo("--addr", "127.0.0.1:8765")
    assert len(execs) == 1 and "127.0.0.1:8765" in execs[0]
    demo("--no-serve")
    assert len(execs) == 1


def test_serve_runs_gunicorn_on_the_wsgi_application(execs):
    call_command("serve", "--addr", "8123", "--workers", "3", "--no-collectstatic",
                 stdout=io.StringIO())
    (argv,) = execs
    assert argv[1:4] == ["-m", "gunicorn", "congdoan.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "3"


def test_loading_into_a_database_with_data_is_refused(db):
    assert not services.is_loaded()
    services.load_demo(today=TODAY, size=20)
    assert services.is_loaded()
    with pytest.raises(ValidationError):
        services.load_demo(today=TODAY, size=20)


def test_the_same_seed_and_day_give_the_same_demo(db):
    def snapshot():
        return (
            sorted(Unit.objects.values_list("code", "name", "kind", "starts_on", "ends_on")),
            sorted(Member.objects.values_list("full_name", "gender", "birth_year", "national_id"),
                   key=repr),
            sorted(Membership.objects.values_list(
                "unit__code", "member__full_name", "status", "start", "end", "start_reason",
                "end_reason"), key=repr),
        )

    with transaction.atomic():
        services.load_demo(today=TODAY, size=20)
        first = snapshot()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    services.load_demo(today=TODAY, size=20)
    assert snapshot() == first
