from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseForbidden
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import csrf, defaults

from newsroom.bodies import general_allowance
from newsroom.http import refusal


def bad_request(request, exception):
    """A body over a limit only parsing can find, saying which limit; anything else, Django's 400 page."""
    if isinstance(exception, TooManyFilesSent):
        allowance = getattr(request, "body_allowance", None) or general_allowance()
        limit = min(allowance.max_files, settings.DATA_UPLOAD_MAX_NUMBER_FILES)
        message = _("Too many files: the limit is %(limit)s in one request.")
    elif isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = _("Too many fields: the limit is %(limit)s in one request.")
    elif isinstance(exception, RequestDataTooBig):
        # Fields other than files: only a body allowed more than DATA_UPLOAD_MAX_MEMORY_SIZE gets here.
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = _("The form's fields are more than the limit of %(limit)s.") % {"limit": limit}
        return refusal(request, message, status=413)
    else:
        return defaults.bad_request(request, exception)
    return refusal(request, message % {"limit": number_format(limit, force_grouping=True)}, status=400)


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
