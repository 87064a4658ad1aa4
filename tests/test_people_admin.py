"""People in the admin: Admins manage accounts within the roles, only a superuser grants more."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from accounts import roles

pytestmark = pytest.mark.django_db

ADMIN = "/admin/auth/user/"


def change_url(user: User) -> str:
    return f"{ADMIN}{user.pk}/change/"


def change_form(user: User, **changes) -> dict:
    """What the change page posts for ``user`` as it is, with ``changes`` (a form field absent when None)."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else None,
        "is_staff": "on" if user.is_staff else None,
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
        **changes,
    }
    return {field: value for field, value in data.items() if value is not None}


def group(name: str) -> Group:
    return Group.objects.get(name=name)


@pytest.fixture
def staff_admin(admin) -> User:
    """A member of Admins who reaches the admin, and is no superuser."""
    admin.is_staff = True
    admin.save()
    return admin


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("boss", password="boss-password")


class TestAnAdminManagesPeople:
    def test_they_add_someone_and_put_them_in_editors(self, client_for, staff_admin):
        client = client_for(staff_admin)
        response = client.post(
            f"{ADMIN}add/",
            {
                "username": "uj",
                "usable_password": "true",
                "password1": "Hosszu-jelszo-1",
                "password2": "Hosszu-jelszo-1",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        person = User.objects.get(username="uj")

        response = client.post(change_url(person), change_form(person, groups=[group(roles.EDITORS).pk]))
        assert response.status_code == 302, response.content.decode()[:3000]
        assert list(person.groups.values_list("name", flat=True)) == [roles.EDITORS]

    def test_they_deactivate_someone(self, client_for, staff_admin, editor):
        response = client_for(staff_admin).post(change_url(editor), change_form(editor, is_active=None))
        assert response.status_code == 302, response.content.decode()[:3000]
        editor.refresh_from_db()
        assert not editor.is_active

    def test_they_set_an_editors_password(self, client_for, staff_admin, editor):
        response = client_for(staff_admin).post(
            f"{ADMIN}{editor.pk}/password/",
            {"usable_password": "true", "password1": "Uj-jelszo-2025", "password2": "Uj-jelszo-2025"},
        )
        assert response.status_code == 302
        editor.refresh_from_db()
        assert editor.check_password("Uj-jelszo-2025")

    def test_putting_someone_in_admins_lets_them_into_the_admin(self, client_for, staff_admin, editor):
        response = client_for(staff_admin).post(
            change_url(editor), change_form(editor, groups=[group(roles.ADMINS).pk], is_staff=None)
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        editor.refresh_from_db()
        assert editor.is_staff and list(editor.groups.values_list("name", flat=True)) == [roles.ADMINS]
        assert client_for(editor).get(ADMIN).status_code == 200  # and they manage people in turn


class TestAnAdminGrantsNoMoreThanARole:
    def test_they_cannot_make_themselves_superuser_or_give_themselves_permissions(self, client_for, staff_admin):
        permission = Permission.objects.get(codename="change_permission")
        response = client_for(staff_admin).post(
            change_url(staff_admin),
            change_form(staff_admin, first_name="Adél", is_superuser="on", user_permissions=[permission.pk]),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        staff_admin.refresh_from_db()
        assert staff_admin.first_name == "Adél"  # the form was saved, without what it must not change
        assert not staff_admin.is_superuser
        assert not staff_admin.user_permissions.exists()

    def test_the_change_page_shows_superuser_status_and_own_permissions_read_only(self, client_for, staff_admin):
        form = client_for(staff_admin).get(change_url(staff_admin)).context["adminform"].form
        assert {"is_active", "is_staff", "groups"} <= set(form.fields)
        assert not {"is_superuser", "user_permissions"} & set(form.fields)

    def test_they_choose_groups_among_the_roles_only(self, client_for, staff_admin, editor):
        auditors = Group.objects.create(name="Auditors")
        auditors.permissions.add(Permission.objects.get(codename="change_permission"))
        client = client_for(staff_admin)
        form = client.get(change_url(editor)).context["adminform"].form
        assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {roles.EDITORS, roles.ADMINS}

        response = client.post(change_url(editor), change_form(editor, groups=[auditors.pk]))
        assert response.status_code == 200  # the form again, with the error
        assert response.context["adminform"].form.errors["groups"]
        assert list(editor.groups.values_list("name", flat=True)) == [roles.EDITORS]

    def test_the_add_form_makes_no_superuser(self, client_for, staff_admin):
        response = client_for(staff_admin).post(
            f"{ADMIN}add/",
            {
                "username": "uj",
                "usable_password": "true",
                "password1": "Hosszu-jelszo-1",
                "password2": "Hosszu-jelszo-1",
                "is_superuser": "on",
                "is_staff": "on",
                "user_permissions": [Permission.objects.get(codename="change_permission").pk],
            },
        )
        assert response.status_code == 302
        person = User.objects.get(username="uj")
        assert not person.is_superuser and not person.is_staff and not person.user_permissions.exists()

    def test_the_password_form_makes_no_superuser(self, client_for, staff_admin, editor):
        response = client_for(staff_admin).post(
            f"{ADMIN}{editor.pk}/password/",
            {
                "usable_password": "true",
                "password1": "Uj-jelszo-2025",
                "password2": "Uj-jelszo-2025",
                "is_superuser": "on",
            },
        )
        assert response.status_code == 302
        editor.refresh_from_db()
        assert editor.check_password("Uj-jelszo-2025") and not editor.is_superuser

    def test_their_only_action_is_deleting(self, client_for, staff_admin):
        response = client_for(staff_admin).get(ADMIN)
        assert [name for name, _ in response.context["action_form"].fields["action"].choices if name] == [
            "delete_selected"
        ]


class TestAnAdminCannotTouchSomeoneWithMoreRights:
    """A superuser, or someone with permissions of their own or a group that is no role: changing
    them, or setting their password and logging in as them, would give an Admin those rights."""

    @pytest.fixture(params=["superuser", "own permission", "another group"])
    def senior(self, request, editor) -> User:
        if request.param == "superuser":
            editor.is_superuser = True
            editor.save()
        elif request.param == "own permission":
            editor.user_permissions.add(Permission.objects.get(codename="change_permission"))
        else:
            editor.groups.add(Group.objects.create(name="Auditors"))
        return editor

    def test_their_page_is_read_only_and_a_change_is_refused(self, client_for, staff_admin, senior):
        client = client_for(staff_admin)
        page = client.get(change_url(senior))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()

        response = client.post(change_url(senior), change_form(senior, is_active=None, first_name="Más"))
        assert response.status_code == 403
        senior.refresh_from_db()
        assert senior.is_active and senior.first_name == ""

    def test_setting_their_password_is_refused(self, client_for, staff_admin, senior):
        client = client_for(staff_admin)
        url = f"{ADMIN}{senior.pk}/password/"
        assert client.get(url).status_code == 403
        response = client.post(
            url, {"usable_password": "true", "password1": "Atvett-fiok-1", "password2": "Atvett-fiok-1"}
        )
        assert response.status_code == 403
        senior.refresh_from_db()
        assert senior.check_password("erika-password")

    def test_deleting_them_is_refused(self, client_for, staff_admin, senior):
        client = client_for(staff_admin)
        assert client.post(f"{ADMIN}{senior.pk}/delete/", {"post": "yes"}).status_code == 403
        response = client.post(ADMIN, {"action": "delete_selected", "_selected_action": [senior.pk], "post": "yes"})
        assert response.status_code == 403
        assert User.objects.filter(pk=senior.pk).exists()


class TestASuperuserKeepsDjangosAdmin:
    def test_they_make_someone_superuser_and_give_any_group_or_permission(self, client_for, superuser, editor):
        auditors = Group.objects.create(name="Auditors")
        permission = Permission.objects.get(codename="change_permission")
        response = client_for(superuser).post(
            change_url(editor),
            change_form(editor, is_superuser="on", groups=[auditors.pk], user_permissions=[permission.pk]),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        editor.refresh_from_db()
        assert editor.is_superuser
        assert list(editor.groups.all()) == [auditors]
        assert list(editor.user_permissions.all()) == [permission]

    def test_they_change_another_superuser(self, client_for, superuser):
        other = User.objects.create_superuser("other-boss", password="x")
        response = client_for(superuser).post(change_url(other), change_form(other, is_superuser="on", is_active=None))
        assert response.status_code == 302, response.content.decode()[:3000]
        other.refresh_from_db()
        assert not other.is_active
