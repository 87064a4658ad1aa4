"""accounts.backends: the same permissions as Django's ModelBackend, in one query."""

import pytest
from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Permission, User

from accounts import roles
from accounts.backends import ModelBackend

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permissions cached on it


class TestPermissionsInOneQuery:
    def test_own_and_group_permissions_come_in_one_query_as_djangos_backend_finds_them(
        self, editor, django_assert_num_queries
    ):
        editor.user_permissions.add(Permission.objects.get(codename="add_group"))
        user = fresh(editor)
        with django_assert_num_queries(1):
            found = ModelBackend().get_all_permissions(user)

        assert "auth.add_group" in found and "annotations.add_annotation" in found
        assert found == django_backends.ModelBackend().get_all_permissions(fresh(editor))

    def test_someone_in_no_group_has_only_their_own(self, stranger):
        assert ModelBackend().get_all_permissions(fresh(stranger)) == set()
        stranger.user_permissions.add(Permission.objects.get(codename="view_article"))
        assert ModelBackend().get_all_permissions(fresh(stranger)) == {"articles.view_article"}

    def test_a_superuser_has_all_and_an_inactive_user_none(self, admin):
        admin.is_superuser = True
        admin.save()
        assert len(ModelBackend().get_all_permissions(fresh(admin))) == Permission.objects.count()
        admin.is_active = False
        admin.save()
        assert ModelBackend().get_all_permissions(fresh(admin)) == set()

    def test_the_groups_of_other_people_do_not_count(self, editor, admin):
        assert ModelBackend().get_all_permissions(fresh(editor)) == roles_permissions(roles.EDITORS)


def roles_permissions(group: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group__name=group).values_list(
            "content_type__app_label", "codename"
        )
    }
