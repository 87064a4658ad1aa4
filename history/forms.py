from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from history.models import Action


class ActivityFilterForm(forms.Form):
    """The activity page's filters, from its address."""

    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[
            ("", gettext_lazy("Anything")),
            ("annotation", gettext_lazy("Annotations")),
            ("entity", gettext_lazy("Entities")),
            ("article", gettext_lazy("Articles")),
        ],
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Kind of change"), required=False, choices=[("", gettext_lazy("Any")), *Action.choices]
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(min_value=1, required=False)
