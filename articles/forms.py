from django import forms

from articles.models import Article


class ArticleSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Article.Status.choices])


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "status"]
