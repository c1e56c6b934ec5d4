import datetime as dt

from django.utils import timezone

from congdoan.accounts import services
from congdoan.accounts.models import FailedLogin


def test_throttle_counts_usernames_without_case_and_addresses_apart(db, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    services.record_failed_login(username="Huyen_A", address="1.1.1.1")
    assert not services.is_login_throttled(username="huyen_a", address="2.2.2.2")
    services.record_failed_login(username=" huyen_a ", address="3.3.3.3")
    assert services.is_login_throttled(username="HUYEN_A", address="2.2.2.2")
    assert not services.is_login_throttled(username="tinh", address="2.2.2.2")


def test_clear_forgets_only_that_username(db):
    services.record_failed_login(username="a", address="1.1.1.1")
    services.record_failed_login(username="b", address="1.1.1.1")
    assert services.clear_failed_logins(username="A") == 1
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["b"]


def test_old_rows_are_pruned(db, settings):
    services.record_failed_login(username="a", address="1.1.1.1")
    FailedLogin.objects.update(at=timezone.now() - dt.timedelta(days=2))
    services.record_failed_login(username="b", address="1.1.1.1")
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["b"]
