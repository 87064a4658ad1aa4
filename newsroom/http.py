"""Answers for requests the app refuses, the same everywhere.

A form that fails validation answers 422 (htmx swaps it in and the message is shown); a
malformed query parameter answers 400 in plain text; a request body over its limits answers 413
or 400 (refusal). All say what was wrong.
"""

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render


def first_error(form: forms.Form) -> str:
    """The form's first error as one sentence, naming the field unless it concerns the whole form."""
    field, errors = next(iter(form.errors.items()))
    return errors[0] if field == forms.forms.NON_FIELD_ERRORS else f"{field}: {errors[0]}"


def bad_parameters(form: forms.Form) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(first_error(form), content_type="text/plain; charset=utf-8")


def wants_fragment(request) -> bool:
    """Whether htmx asked for a part of the page, to swap in; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def refusal(request, message: str, *, status: int) -> HttpResponse:
    """A refused request: the message in plain text for htmx (the page shows it), on a small page otherwise.

    Asks the header, not request.htmx: this also answers before HtmxMiddleware has run.
    """
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, "refused.html", {"message": message}, status=status)
