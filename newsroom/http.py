"""Answers for requests the app refuses, the same everywhere.

A form that fails validation answers 422 (htmx swaps it in and the message is shown); a
malformed query parameter answers 400 in plain text. Both say what was wrong.
"""

from django import forms
from django.http import HttpResponseBadRequest


def first_error(form: forms.Form) -> str:
    """The form's first error as one sentence, naming the field unless it concerns the whole form."""
    field, errors = next(iter(form.errors.items()))
    return errors[0] if field == forms.forms.NON_FIELD_ERRORS else f"{field}: {errors[0]}"


def bad_parameters(form: forms.Form) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(first_error(form), content_type="text/plain; charset=utf-8")


def wants_fragment(request) -> bool:
    """Whether htmx asked for a part of the page, to swap in; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
