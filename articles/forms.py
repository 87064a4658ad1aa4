from django import forms
from django.utils.translation import gettext_lazy

from articles.models import Article


class ArticleListForm(forms.Form):
    """The article list's query parameters."""

    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Any status")), *Article.Status.choices],
        label=gettext_lazy("Status"),
    )
    page = forms.IntegerField(required=False, min_value=1)


class ArticleForm(forms.Form):
    """What an editor may change of an article: its title and editorial status."""

    title = forms.CharField(max_length=Article._meta.get_field("title").max_length, label=gettext_lazy("Title"))
    status = forms.ChoiceField(choices=Article.Status.choices, label=gettext_lazy("Status"))
