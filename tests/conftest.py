import importlib
from functools import reduce
from operator import or_
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q
from django.test import Client

SAMPLE_SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_a45e6700e34eec7b.txt"


GROUPS_MIGRATION = importlib.import_module("articles.migrations.0002_groups")


def _group(name: str) -> Group:
    """The group the data migration made; made again from its lists after a transactional test's flush."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        pairs = GROUPS_MIGRATION.EDITOR_PERMISSIONS
        if name == "Admins":
            pairs = [*pairs, *GROUPS_MIGRATION.ADMIN_EXTRA_PERMISSIONS, ("articles", "moderate_annotation")]
        wanted = reduce(or_, (Q(content_type__app_label=app, codename=codename) for app, codename in pairs))
        group.permissions.set(Permission.objects.filter(wanted))
    return group


def _person(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password=f"{username}-password")
    if group:
        user.groups.add(_group(group))
    return user


@pytest.fixture
def editor(db) -> User:
    return _person("erika", "Editors")


@pytest.fixture
def other_editor(db) -> User:
    return _person("ede", "Editors")


@pytest.fixture
def admin(db) -> User:
    return _person("adel", "Admins")


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
