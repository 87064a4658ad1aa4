from django import forms
from django.utils.translation import gettext_lazy

from annotations.models import AnnotationKind, Verdict
from articles import paging
from articles.models import Article
from entities.models import Entity
from imports.models import ImportBatch
from newsroom.widgets import QuickSelect

# The browser's date picker; it sends and expects ISO dates whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArticleListForm(forms.Form):
    """The article list's query parameters: the search, the filters (each narrows the others) and the order."""

    SORTS = [
        ("date", gettext_lazy("Newest first")),
        ("relevance", gettext_lazy("Most relevant first")),
        ("annotated", gettext_lazy("Most annotated first")),
        ("recent", gettext_lazy("Recently annotated first")),
    ]

    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Any status")), *Article.Status.choices],
        label=gettext_lazy("Status"),
        widget=QuickSelect,
    )
    published_from = forms.DateField(required=False, widget=DATE_INPUT, label=gettext_lazy("Published from"))
    published_to = forms.DateField(required=False, widget=DATE_INPUT, label=gettext_lazy("Published until"))
    has = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Any annotations")), *AnnotationKind.choices],
        label=gettext_lazy("Has annotations of kind"),
        widget=QuickSelect,
    )
    entity = forms.ModelChoiceField(
        required=False, queryset=Entity.objects.only("pk", "name"), label=gettext_lazy("Mentions")
    )
    verdict = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Any verdict")), *Verdict.choices],
        label=gettext_lazy("Has a claim with verdict"),
        widget=QuickSelect,
    )
    batch = forms.ModelChoiceField(
        required=False, queryset=ImportBatch.objects.only("pk"), label=gettext_lazy("Import batch")
    )
    sort = forms.ChoiceField(required=False, choices=SORTS, label=gettext_lazy("Order"), widget=QuickSelect)
    # Where a page starts: after (or before) the key of a row (articles.paging), written by the
    # list's own links. ``page`` beside one is only the number shown; alone (an old address) it
    # is the page counted from the start.
    after = forms.CharField(required=False, max_length=200)
    before = forms.CharField(required=False, max_length=200)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**9)

    # What narrows the list beyond the search: the template offers to clear them.
    FILTERS = ("status", "published_from", "published_to", "has", "entity", "verdict", "batch")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", gettext_lazy("The end of the date range is before its start."))
        if cleaned.get("after") and cleaned.get("before"):
            self.add_error("before", gettext_lazy("A page starts after one row or ends before one, not both."))
        for name in ("after", "before"):
            if cleaned.get(name):
                try:
                    cleaned[name] = paging.parse(self.order, cleaned[name])
                except ValueError:
                    self.add_error(name, gettext_lazy("Not a place in this list: follow the list's own links."))
            else:
                cleaned[name] = None
        return cleaned

    @property
    def order(self) -> str:
        """The order the list is in: relevance needs a search, and is by date without one."""
        sort = self.cleaned_data.get("sort") or "date"
        if sort == "relevance" and not self.cleaned_data.get("q"):
            return "date"
        return sort


class ArticleForm(forms.Form):
    """What an editor may change of an article: its title and editorial status."""

    title = forms.CharField(max_length=Article._meta.get_field("title").max_length, label=gettext_lazy("Title"))
    status = forms.ChoiceField(choices=Article.Status.choices, label=gettext_lazy("Status"))
