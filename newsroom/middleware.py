"""Project-wide middleware."""

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
        # Back to the page the request came from (None when it claims another origin).
        back = request.htmx.current_url_abs_path or request.get_full_path()
        login = redirect_to_login(
            back, resolve_url(self.get_login_url(view_func)), self.get_redirect_field_name(view_func)
        )
        return HttpResponseClientRedirect(login["Location"])
