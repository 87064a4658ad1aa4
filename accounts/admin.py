"""People and failed logins in the admin.

People: Admins manage accounts within the roles; only a superuser grants more.

With Django's own UserAdmin, change_user is every right there is: whoever holds it can tick
superuser status on their own account, give themselves any permission, or set a superuser's
password and log in as them. Here someone who is not a superuser sees superuser status and
own permissions read-only, chooses groups among the roles, and may not change, delete or set
the password of anyone who holds more than a role gives (roles.holds_more_than_a_role).
"""

from axes import admin as axes_admin
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles


class PersonChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "is_staff" in self.fields:
            self.fields["is_staff"].help_text = _(
                "Designates whether the user can log into this admin site. Everyone in Admins can: "
                "they manage people here."
            )

    def clean(self):
        cleaned_data = super().clean()
        # Admins manage people in the admin: putting someone in Admins lets them in, or the role
        # would give rights its holder could not reach.
        groups = cleaned_data.get("groups")
        if "is_staff" in self.fields and groups is not None and any(g.name == roles.ADMINS for g in groups):
            cleaned_data["is_staff"] = True
        return cleaned_data


admin.site.unregister(User)


@admin.register(User)
class PeopleAdmin(UserAdmin):
    form = PersonChangeForm

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        # Shown, so an Admin sees why an account is not theirs to change; never in the form.
        return [*readonly, "is_superuser", "user_permissions"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ROLES).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Django's password view and its delete action ask these too, for the account concerned.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    @staticmethod
    def _may_manage(request, obj) -> bool:
        return obj is None or request.user.is_superuser or not roles.holds_more_than_a_role(obj)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """Failed logins (accounts/throttling.py), and whether they lock an account or an address out.

    Deleting the attempts that lock lifts the lockout. axes' own status column and filter compare
    each row alone with the account's limit, which says nothing of an address's lockout.
    """

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "lockout", "user_agent"]
    list_filter = ["attempt_time"]
    # Not axes' "clean up expired attempts": it needs a request that went through axes (500 here),
    # and expired attempts are cleaned up with every login anyway. Deleting selected ones stays.
    actions = []

    def get_queryset(self, request):
        recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off())

        def failures(field: str) -> Subquery:
            same = recent.filter(**{field: OuterRef(field)}).order_by().values(field)
            return Subquery(same.annotate(total=Sum("failures_since_start")).values("total"))

        return (
            super()
            .get_queryset(request)
            .annotate(account_failures=failures("username"), address_failures=failures("ip_address"))
        )

    @admin.display(description=_("lockout"))
    def lockout(self, attempt: AccessAttempt) -> str:
        if attempt.attempt_time < timezone.now() - get_cool_off():
            return _("expired")
        account = (attempt.account_failures or 0) >= settings.AXES_FAILURE_LIMIT
        address = (attempt.address_failures or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        if account and address:
            return _("account and address locked out")
        if account:
            return _("account locked out")
        if address:
            return _("address locked out")
        return "—"
