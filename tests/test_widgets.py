"""The widgets built in Python (newsroom.widgets) write what Django's templates write, escaped."""

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from newsroom.widgets import QuickSelect

HOSTILE = '"><script>alert(1)</script>'
ATTRS = [{}, {"required": True, "disabled": False, "data-x": HOSTILE, "aria-label": "Dátum „ő”"}]


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
