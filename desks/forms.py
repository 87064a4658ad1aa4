"""The desks' query parameters and the verdict a claim is given, validated. Forms here never
write: the verdict goes to annotations.services."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotations.models import Annotation
from entities.models import Entity

TEXT_MAX_LENGTH = 200


class EntityField(forms.ModelChoiceField):
    """A speaker or claimant by its id, as a desk's URL names it."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid_choice": gettext_lazy("There is no entity with this id.")}

    def __init__(self, **kwargs):
        super().__init__(queryset=Entity.objects.only("id", "name"), required=False, **kwargs)


class NameField(forms.CharField):
    """A name typed to find a speaker or claimant by, its spaces made single."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=TEXT_MAX_LENGTH, **kwargs)

    def clean(self, value) -> str:
        return " ".join(super().clean(value).split())


class DeskForm(forms.Form):
    """What both desks filter by besides their own: the articles' publication dates, and the page."""

    since = forms.DateField(required=False, label=gettext_lazy("Published from"))
    until = forms.DateField(required=False, label=gettext_lazy("Published until"))
    page = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the date range comes before its start."))
        return data


class QuoteDeskForm(DeskForm):
    speaker = EntityField()
    speaker_name = NameField(label=gettext_lazy("Speaker"))
    type = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Direct or indirect")), *Annotation.QuoteType.choices],
        label=gettext_lazy("Quote type"),
    )
    words = forms.CharField(required=False, max_length=TEXT_MAX_LENGTH, label=gettext_lazy("Words in the quote"))


class ClaimDeskForm(DeskForm):
    ORDERS = [("", gettext_lazy("Unverified first")), ("newest", gettext_lazy("Newest first"))]

    verdict = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Any verdict")), *Annotation.Verdict.choices],
        label=gettext_lazy("Verdict"),
    )
    claimant = EntityField()
    claimant_name = NameField(label=gettext_lazy("Claimant"))
    words = forms.CharField(required=False, max_length=TEXT_MAX_LENGTH, label=gettext_lazy("Words in the claim"))
    order = forms.ChoiceField(required=False, choices=ORDERS, label=gettext_lazy("Order"))


class VerdictForm(forms.Form):
    """A verdict set on the claims desk, and the desk's address to go back to (with its filters)."""

    verdict = forms.ChoiceField(choices=Annotation.Verdict.choices, label=gettext_lazy("Verdict"))
    next = forms.CharField(required=False, max_length=2000)
    # The claim's version the desk showed: refused (409) when someone changed it since.
    version = forms.IntegerField(required=False, min_value=1)
