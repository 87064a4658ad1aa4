from django.http import HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views import defaults


def permission_denied(request, exception):
    """403 with the reason: as plain text for htmx, which shows it where the request came from."""
    if getattr(request, "htmx", False):
        message = str(exception) or _("You may not do that.")
        return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")
    return defaults.permission_denied(request, exception)
