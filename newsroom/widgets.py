"""Form widgets rendered in Python, for forms on pages that are drawn on every request.

Django renders a <select> through templates, one include per option: on the article list, whose
filter form has four selects of some twenty options in all, that was a fifth of the page's time.
Its two date fields, an include of the attributes each, were a tenth of what was left.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A Select whose HTML is built here (same markup as Django's template: attributes, options,
    ``selected``), every value and label escaped by format_html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class QuickInput(forms.widgets.Input):
    """An Input (of the ``input_type`` a subclass names) whose HTML is built here, as Django's
    template writes it: the value when there is one, then the attributes (``True``: the name
    alone, ``False``: left out), every value escaped by format_html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        attributes = flatatt(widget["attrs"])
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, attributes)


class QuickDateInput(QuickInput, forms.DateInput):
    pass
