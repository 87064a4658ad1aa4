from django.http import HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views import csrf, defaults


def permission_denied(request, exception):
    """403 with the reason: as plain text for htmx, which shows it where the request came from."""
    if getattr(request, "htmx", False):
        message = str(exception) or _("You may not do that.")
        return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """A refused CSRF token: for htmx, a message the page shows; otherwise Django's own page."""
    if request.headers.get("HX-Request") == "true":
        message = _("This page's security token is out of date: reload the page and try again.")
        return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")
    return csrf.csrf_failure(request, reason)
