"""Who may use the API, and how often: per-user tokens sent as ``Authorization: Bearer``, and a
limit of requests per minute for each token (README, "API").

A session does not authenticate here, so a page on another site cannot make a logged-in
browser read the API (no CSRF to defend against), and every request is the token owner's.
"""

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        # A revoked token, or a deactivated person's, authenticates nothing: 401, as for a wrong one.
        api_token = ApiToken.objects.usable().for_secret(token).select_related("user").first()
        if api_token is None:
            return None
        # The permissions of the pages are the token owner's (accounts/roles.py), checked by each endpoint.
        request.user = api_token.user
        return api_token


class PerTokenRate(BaseThrottle):
    """At most API_RATE_LIMIT requests a minute from each token, counted in PostgreSQL (on the token's
    row) so that every server process and machine counts the same requests. The minutes are the
    clock's (a fixed window): a client may send up to twice the limit across the turn of a minute."""

    def __init__(self) -> None:
        # ninja asks wait() right after allow_request() on the one throttle object all threads share.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        count, seconds_left = request.auth.count_request()
        self._local.seconds_left = seconds_left
        return count <= settings.API_RATE_LIMIT

    def wait(self) -> float:
        return max(getattr(self._local, "seconds_left", 60.0), 1.0)
