"""Who acts and from where, for the history rows the database writes (history.models).

pghistory sends the context with every writing statement as transaction-local settings, which
the history triggers store. A request's context comes from RecordedRequests (the page, the
admin, the Import page); a service adds the acting user with ``recording(by=…)``, so a service
called from a command or a script records its user too, with the origin ``code``.
"""

import functools

import pghistory
from django.urls import reverse
from pghistory.middleware import HistoryMiddleware
from pghistory.runtime import _tracker

from history.models import Origin


def recording(*, by=None, origin: str | None = None, **details):
    """A context (``with recording(by=user):``) for the changes made inside it.

    Inside an outer context (a request's), it adds to that one; else it starts one, whose
    origin is ``origin`` or, by default, a command or script.
    """
    metadata = dict(details)
    if by is not None and getattr(by, "pk", None) is not None:
        metadata["user"] = by.pk
    if origin:
        metadata["origin"] = origin
    elif not hasattr(_tracker, "value"):
        metadata["origin"] = Origin.CODE.value
    return pghistory.context(**metadata)


class RecordedRequests(HistoryMiddleware):
    """Every writing request runs in a context naming its user and where it comes from."""

    def get_context(self, request) -> dict:
        context = super().get_context(request)
        path = request.path
        if path.startswith(reverse("admin:index")):
            origin = Origin.ADMIN
        elif path.startswith(reverse("imports:import")):
            origin = Origin.IMPORT
        else:
            origin = Origin.PAGE
        return {**context, "origin": origin.value}


def recorded(service):
    """A service's decorator: what it changes is recorded as done by its ``by`` keyword argument."""

    @functools.wraps(service)
    def run(*args, by, **kwargs):
        with recording(by=by):
            return service(*args, by=by, **kwargs)

    return run
