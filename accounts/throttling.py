"""Login throttling: django-axes with a limit per account and one per address, the client's
address behind trusted proxies, a log entry per lockout, and the page a refused login gets.

axes counts every failed login in PostgreSQL (``AccessAttempt``: one row per username, address
and user agent, with its number of failures and the time of the last one). An account is locked
out while its rows of the last ``AXES_COOLOFF_TIME`` add up to ``AXES_FAILURE_LIMIT`` failures,
from whatever addresses; an address, while its rows add up to ``LOGIN_ADDRESS_FAILURE_LIMIT``,
on whatever usernames, existing or not. axes' backend, first in ``AUTHENTICATION_BACKENDS``,
refuses a locked-out attempt before any password is hashed.
"""

import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from (axes' AXES_CLIENT_IP_CALLABLE).

    With no trusted proxies it is REMOTE_ADDR, and X-Forwarded-For is ignored: anyone can send
    that header. Behind ``TRUSTED_PROXY_COUNT`` proxies, each appending the address it saw to
    the header, it is that many entries from the right: the address the outermost proxy saw
    (entries further left came from the client and can say anything).
    """
    address = request.META.get("REMOTE_ADDR")
    if proxies := settings.TRUSTED_PROXY_COUNT:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [entry for entry in forwarded if entry]
        if forwarded:
            address = forwarded[-min(proxies, len(forwarded))]
    try:
        # Only a valid address is stored (a column of PostgreSQL's inet type); no scope (%eth0).
        return str(ipaddress.ip_address(address.partition("%")[0])) if address else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Tally:
    """The failures of the last cool-off counted against an attempt's account and address."""

    account_failures: int
    address_failures: int
    account_locked_until: datetime | None
    address_locked_until: datetime | None

    @property
    def locked_until(self) -> datetime | None:
        ends = [end for end in (self.account_locked_until, self.address_locked_until) if end]
        return max(ends, default=None)


def _lock_end(attempts: list[tuple[datetime, int]], limit: int, cool_off: timedelta) -> datetime | None:
    """When the lockout these attempts (newest first) make ends; None if they make none.

    Each row counts until a cool-off after its last failure, so the lockout lasts while the
    newest rows holding ``limit`` failures between them do.
    """
    counted = 0
    for attempt_time, failures in attempts:
        counted += failures
        if counted >= limit:
            return attempt_time + cool_off
    return None


def tally(request: HttpRequest, credentials: dict | None = None) -> Tally:
    """Count the recent failures against the request's username and address, in one query.

    ``request`` has been through axes (``AxesProxyHandler.update_request``).
    """
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    rows = (
        AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address))
        .filter(attempt_time__gte=get_cool_off_threshold(request))
        .annotate(
            same_account=ExpressionWrapper(Q(username=username), output_field=BooleanField()),
            same_address=ExpressionWrapper(Q(ip_address=address), output_field=BooleanField()),
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", "failures_since_start", "same_account", "same_address")
    )
    account = [(time, failures) for time, failures, same_account, _ in rows if same_account]
    by_address = [(time, failures) for time, failures, _, same_address in rows if same_address]
    cool_off = get_cool_off(request)
    return Tally(
        account_failures=sum(failures for _, failures in account),
        address_failures=sum(failures for _, failures in by_address),
        account_locked_until=_lock_end(account, settings.AXES_FAILURE_LIMIT, cool_off),
        address_locked_until=_lock_end(by_address, settings.LOGIN_ADDRESS_FAILURE_LIMIT, cool_off),
    )


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler, with the address's own limit and a log entry for each lockout."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # axes compares one count with one limit, AXES_FAILURE_LIMIT (the account's). This count
        # reaches it exactly when the account has reached that limit or the address its own.
        counts = tally(request, credentials)
        account_limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return account_limit - min(account_limit - counts.account_failures, address_limit - counts.address_failures)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        # Set by axes' backend when it refused the attempt: the lockout was logged when it began.
        refused = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and request.axes_locked_out and not refused:
            self._log_lockout(request, credentials)

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        # Whoever logs in knows the password: their own mistypings from this address stop counting.
        # Failures on other usernames from the address still do, so logging in to an account of
        # one's own does not reset the address's count.
        AccessAttempt.objects.filter(username=user.get_username(), ip_address=request.axes_ip_address).delete()

    @staticmethod
    def _log_lockout(request, credentials: dict | None) -> None:
        counts = tally(request, credentials)
        # The username is named only when that account is locked, after failures under that
        # name: a password typed into the username field once never reaches the log.
        if counts.account_locked_until:
            logger.warning(
                "Login lockout until %s: account %r after %d failed logins (address %s).",
                counts.account_locked_until.isoformat(timespec="seconds"),
                get_client_username(request, credentials),
                counts.account_failures,
                request.axes_ip_address,
            )
        if counts.address_locked_until:
            logger.warning(
                "Login lockout until %s: address %s after %d failed logins on any accounts.",
                counts.address_locked_until.isoformat(timespec="seconds"),
                request.axes_ip_address,
                counts.address_failures,
            )


def lockout_response(request: HttpRequest, response: HttpResponse, credentials: dict | None) -> HttpResponse:
    """The login page again, 429, saying when to try again (axes' AXES_LOCKOUT_CALLABLE).

    The same for any username, existing or not, so it tells nobody whether an account exists.
    """
    until = tally(request, credentials).locked_until or request.axes_attempt_time + get_cool_off(request)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    # Shown to the minute, rounded up: whoever tries again at the minute shown gets in.
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    # The login view's own context has "next" already checked to be a safe place to go.
    view_context = getattr(response, "context_data", None) or {}
    context = {
        "form": AuthenticationForm(request, initial={"username": get_client_username(request, credentials)}),
        "next": view_context.get("next", ""),
        "locked_until": shown,
        "minutes": math.ceil(seconds / 60),
    }
    page = render(request, "registration/login.html", context, status=429)
    page["Retry-After"] = str(seconds)
    return page
