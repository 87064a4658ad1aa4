from django import forms
from django.utils.translation import gettext_lazy

from entities.models import Entity


class LookupForm(forms.Form):
    """A name as typed in an entity field, and which kinds of entity may be made from it."""

    entity_query = forms.CharField(required=False, max_length=200, label=gettext_lazy("Name"))
    create = forms.MultipleChoiceField(required=False, choices=Entity.Kind.choices)

    def clean_entity_query(self) -> str:
        return " ".join(self.cleaned_data["entity_query"].split())
