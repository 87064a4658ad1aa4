from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.test import Client

from accounts import roles

SAMPLE_SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a45e6700e34eec7b.txt"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: ids repeat between tests once a database is flushed."""
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


def _person(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password=f"{username}-password")
    if group:
        # The groups exist after migrate and after a transactional test's flush (accounts/roles.py).
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db) -> User:
    return _person("erika", roles.EDITORS)


@pytest.fixture
def other_editor(db) -> User:
    return _person("ede", roles.EDITORS)


@pytest.fixture
def admin(db) -> User:
    return _person("adel", roles.ADMINS)


@pytest.fixture
def stranger(db) -> User:
    """Logged in, but in neither group."""
    return _person("zoltan", None)


@pytest.fixture
def client_for():
    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_SEED.read_bytes()
