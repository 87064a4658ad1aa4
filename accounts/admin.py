from axes import admin as axes_admin
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
