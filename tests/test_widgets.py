"""The widgets built in Python (newsroom.widgets) write what Django's templates write, escaped."""

import datetime

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from newsroom.widgets import QuickDateInput, QuickSelect

HOSTILE = '"><script>alert(1)</script>'
ATTRS = [{}, {"required": True, "disabled": False, "data-x": HOSTILE, "aria-label": "Dátum „ő”"}]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", datetime.date(2025, 6, 1), "2025-13-40", HOSTILE])
def test_the_date_input_is_djangos(attrs, value):
    django, quick = (
        widget(attrs={"type": "date", **attrs}, format="%Y-%m-%d").render("from", value, {"id": "id_from"})
        for widget in (forms.DateInput, QuickDateInput)
    )
    assert parse_html(quick) == parse_html(django)
    assert "<script>" not in quick


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "b", HOSTILE, 3, [], ["b", "a"]])
@pytest.mark.parametrize(
    "choices",
    [
        [("", "Bármi"), ("a", "Első <b>"), ("b", HOSTILE), (HOSTILE, "Harmadik"), (3, "Szám"), ("b", "Ismét")],
        # Translated and already safe labels, as forms give them.
        [("", gettext_lazy("Any status")), ("a", mark_safe("<b>Első</b>")), (None, "Semmi")],
        [("", "Bármi"), ("Csoport", [("a", "Első"), ("b", HOSTILE)])],  # groups: Django's own
    ],
)
def test_the_select_is_djangos(attrs, value, choices):
    django, quick = (
        widget(attrs=attrs, choices=choices).render("kind", value, {"id": "id_kind"})
        for widget in (forms.Select, QuickSelect)
    )
    assert parse_html(quick) == parse_html(django)
    assert "<script>" not in quick
