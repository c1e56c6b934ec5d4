import datetime as dt

import pytest
from django.utils import timezone, translation

from congdoan.accounts import services
from congdoan.accounts.models import FailedLogin
from congdoan.accounts.views import THROTTLED

PASSWORD = "test-pass-123"


@pytest.fixture(autouse=True)
def _three_attempts(settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_WINDOW = 600


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def throttled_text() -> str:
    with translation.override("vi"):
        return str(THROTTLED) % {"minutes": 10}


def test_sign_in_page_is_in_vietnamese(client, db):
    page = client.get("/login/").content.decode()
    assert 'lang="vi"' in page and "Đăng nhập" in page


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/units/"


def test_sign_in_and_out(client, users):
    response = sign_in(client, "huyen_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "huyen_a" in page and "LĐLĐ huyện A" in page
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_wrong_password_is_recorded(client, users):
    response = sign_in(client, "huyen_a", "wrong")
    assert response.status_code == 200
    assert FailedLogin.objects.filter(username="huyen_a", address="10.0.0.1").count() == 1


def test_too_many_failures_for_a_username_refuse_even_the_right_password(client, users):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        sign_in(client, "huyen_a", "wrong", address)
    response = sign_in(client, "HUYEN_A", PASSWORD, "10.0.0.9")
    assert response.status_code == 429
    assert throttled_text() in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_failures_from_an_address_refuse_other_usernames(client, users):
    for name in ("a", "b", "c"):
        sign_in(client, name, "wrong", "10.0.0.7")
    assert sign_in(client, "tinh", PASSWORD, "10.0.0.7").status_code == 429
    assert sign_in(client, "tinh", PASSWORD, "10.0.0.8").status_code == 302


def test_failures_older_than_the_window_do_not_count(client, users):
    for _ in range(3):
        sign_in(client, "huyen_a", "wrong")
    FailedLogin.objects.update(at=timezone.now() - dt.timedelta(seconds=601))
    assert sign_in(client, "huyen_a", PASSWORD).status_code == 302


def test_success_clears_the_username_failures(client, users):
    sign_in(client, "huyen_a", "wrong", "10.0.0.1")
    sign_in(client, "huyen_a", "wrong", "10.0.0.2")
    assert sign_in(client, "huyen_a", PASSWORD, "10.0.0.3").status_code == 302
    assert not FailedLogin.objects.filter(username="huyen_a").exists()
    assert not services.is_login_throttled(username="huyen_a", address="10.0.0.5")


def test_language_switch_works_before_signing_in(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert 'lang="en"' in page and "Sign in" in page


def test_admin_is_for_staff_only(client, users):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1] == ("/login/?next=/admin/", 302)
    # The role "system administrator" is not staff: the admin site is for Django staff.
    client.force_login(users.admin)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    assert client.get("/admin/").status_code == 200
    for page in ("org/unit", "org/unitversion", "org/orgevent", "accounts/user",
                 "accounts/failedlogin", "accounts/user/add"):
        assert client.get(f"/admin/{page}/").status_code == 200, page
    user_page = f"/admin/accounts/user/{users.district_manager.pk}/change/"
    assert client.get(user_page).status_code == 200


def test_units_cannot_be_edited_in_the_admin(client, users, org):
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    client.force_login(users.admin)
    assert client.get(f"/admin/org/unit/{org.district_a.pk}/change/").status_code == 200
    response = client.post(f"/admin/org/unit/{org.district_a.pk}/change/", {"name": "X"})
    assert response.status_code == 403
    assert client.get("/admin/org/unit/add/").status_code == 403
