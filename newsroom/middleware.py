"""Project-wide middleware."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a login. An htmx request from a page whose session expired is not sent
    through the login redirect (it would swap the login page into a fragment): the browser goes
    to the login page instead, and comes back to the page it was on."""

    def handle_no_permission(self, request, view_func):
        if not request.htmx:
            return super().handle_no_permission(request, view_func)
        current = urlsplit(request.htmx.current_url or "")
        back = (
            current.path + (f"?{current.query}" if current.query else "") if current.path else request.get_full_path()
        )
        login = redirect_to_login(back, resolve_url(self.get_login_url(view_func) or settings.LOGIN_URL))
        return HttpResponseClientRedirect(login["Location"])
