from django import forms
from django.utils.translation import gettext_lazy


class SearchForm(forms.Form):
    """The search page's query parameters: what to find, and the articles' order."""

    SORTS = [("", gettext_lazy("Best match first")), ("date", gettext_lazy("Newest first"))]

    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))
    sort = forms.ChoiceField(required=False, choices=SORTS, label=gettext_lazy("Order"))

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())
