import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from accounts import roles

LOCALE = Path(__file__).resolve().parent.parent / "locale"
SAMPLE_SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a45e6700e34eec7b.txt"


def pytest_configure(config):
    """The translations compiled, as `make test` does, when pytest is run by itself (README, "Languages")."""
    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: ids repeat between tests once a database is flushed."""
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request leaves its own active in the thread."""
    translation.deactivate()
    yield
    translation.deactivate()


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


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the PostgreSQL queue, as in production, instead of running as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
