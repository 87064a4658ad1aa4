from django import forms
from django.utils.translation import gettext_lazy

from entities.models import WIKIDATA_QID, Entity


class LookupForm(forms.Form):
    """A name as typed in an entity field, and which kinds of entity may be made from it."""

    entity_query = forms.CharField(required=False, max_length=200, label=gettext_lazy("Name"))
    create = forms.MultipleChoiceField(required=False, choices=Entity.Kind.choices)

    def clean_entity_query(self) -> str:
        return " ".join(self.cleaned_data["entity_query"].split())


class EntityListForm(forms.Form):
    """The catalogue's query parameters."""

    SORTS = [
        ("", gettext_lazy("Best match first (a search), else by name")),
        ("name", gettext_lazy("By name")),
        ("mentions", gettext_lazy("Most mentioned")),
        ("recent", gettext_lazy("Most recently annotated")),
    ]

    q = forms.CharField(required=False, max_length=200, label=gettext_lazy("Search"))
    kind = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any kind")), *Entity.Kind.choices], label=gettext_lazy("Kind")
    )
    sort = forms.ChoiceField(required=False, choices=SORTS, label=gettext_lazy("Order"))
    page = forms.IntegerField(required=False, min_value=1)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class EntityForm(forms.Form):
    """What an editor changes of an entity on its page."""

    name = forms.CharField(max_length=Entity._meta.get_field("name").max_length, label=gettext_lazy("Name"))
    kind = forms.ChoiceField(choices=Entity.Kind.choices, label=gettext_lazy("Kind"))
    # The entity's version when the page was loaded: refused as stale when someone changed it since.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    description = forms.CharField(
        required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Description")
    )
    external_id = forms.RegexField(
        required=False,
        regex=rf"\A{WIKIDATA_QID.pattern}\Z",  # the whole value, not a QID somewhere in it
        max_length=Entity._meta.get_field("external_id").max_length,
        label=gettext_lazy("Wikidata ID"),
        error_messages={"invalid": gettext_lazy("A Wikidata ID is Q and a number, such as Q56226.")},
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class AliasForm(forms.Form):
    alias = forms.CharField(
        max_length=Entity._meta.get_field("aliases").base_field.max_length, label=gettext_lazy("Another spelling")
    )

    def clean_alias(self) -> str:
        alias = " ".join(self.cleaned_data["alias"].split())
        if not alias:
            raise forms.ValidationError(gettext_lazy("Type a spelling."))
        return alias


class MergeForm(forms.Form):
    """Which entity to fold into this one: found by name, then chosen by id."""

    duplicate_query = forms.CharField(required=False, max_length=200, label=gettext_lazy("Find the duplicate"))
    duplicate = forms.IntegerField(required=False, min_value=1)

    def clean_duplicate_query(self) -> str:
        return " ".join(self.cleaned_data["duplicate_query"].split())


class SectionPagesForm(forms.Form):
    """Which page of each list the entity page shows."""

    mentions = forms.IntegerField(required=False, min_value=1)
    quotes = forms.IntegerField(required=False, min_value=1)
    claims = forms.IntegerField(required=False, min_value=1)
    sources = forms.IntegerField(required=False, min_value=1)
