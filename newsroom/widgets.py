"""Form widgets rendered in Python, for forms on pages that are drawn on every request.

Django renders a <select> through templates, one include per option: on the article list, whose
filter form has four selects of some twenty options in all, that was a fifth of the page's time.
Its two date fields, an include of the attributes each, were a tenth of what was left.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A Select of plain choices (no groups) whose HTML is built here: the same markup as Django's
    template (attributes, options, the first option of the value ``selected``), every value and
    label escaped. Not through get_context(), which makes a dictionary of attributes per option
    (half the time left after the templates were gone)."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options, selected = [], False
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                return super().render(name, value, attrs, renderer)  # groups: Django's own
            option_value = "" if option_value is None else str(option_value)
            mark = ""
            if not selected and option_value in chosen:  # the first option of the value, as Django
                mark, selected = " selected", True
            options.append(
                f'<option value="{conditional_escape(option_value)}"{mark}>{conditional_escape(label)}</option>'
            )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        # Every value and label escaped above; the rest is our markup.
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe("".join(options)))


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
