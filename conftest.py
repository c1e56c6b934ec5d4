import pytest

from congdoan.testing import Org, Users


@pytest.fixture
def org(db):
    return Org().refresh()


@pytest.fixture
def users(org):
    return Users(org)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
