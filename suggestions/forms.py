"""What the browser sends about suggestions, validated; the views hand it to suggestions.services."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotations.anchoring import snap_to_words
from annotations.forms import NOTE_MAX_LENGTH
from annotations.models import DETAILS_BY_KIND, Annotation
from entities.models import Entity
from suggestions.models import Suggestion


class AcceptAllForm(forms.Form):
    kind = forms.ChoiceField(choices=Suggestion.Kind.choices)


class EditForm(forms.Form):
    """A suggestion as the editor changed it before accepting: its span, its entity by name, its details.

    The entity is the catalogued one of that name (of that kind, when one is given), or a new one
    of that name and kind, created on acceptance; an empty name leaves the annotation without one.
    """

    entity_name = forms.CharField(required=False, max_length=200, label=gettext_lazy("Entity"))
    entity_kind = forms.ChoiceField(
        required=False, choices=[("", "---------"), *Entity.Kind.choices], label=gettext_lazy("Kind of entity")
    )
    quote_type = forms.ChoiceField(
        required=False, choices=[("", "---------"), *Annotation.QuoteType.choices], label=gettext_lazy("Quote type")
    )
    cue_verb = forms.CharField(required=False, max_length=60, label=gettext_lazy("Cue verb"))
    source_type = forms.ChoiceField(
        required=False, choices=[("", "---------"), *Annotation.SourceType.choices], label=gettext_lazy("Source type")
    )
    note = forms.CharField(
        required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Note")
    )
    # The span last: the entity is what an editor changes most.
    start = forms.IntegerField(min_value=0, label=gettext_lazy("Start"))
    end = forms.IntegerField(min_value=1, label=gettext_lazy("End"))

    def __init__(self, *args, suggestion: Suggestion, body: str, **kwargs):
        self.suggestion, self.body = suggestion, body
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "start": suggestion.start,
                "end": suggestion.end,
                "entity_name": suggestion.entity_name,
                "entity_kind": suggestion.entity.kind if suggestion.entity_id else suggestion.proposed_kind,
                "quote_type": "" if suggestion.direct is None else ("direct" if suggestion.direct else "indirect"),
                "cue_verb": suggestion.cue,
                "source_type": suggestion.source_type,
            }
        super().__init__(*args, **kwargs)
        # Only the details its kind has.
        for field in ("quote_type", "cue_verb", "source_type"):
            if field not in DETAILS_BY_KIND[suggestion.kind]:
                del self.fields[field]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data["start"], data["end"]
        if not start < end <= len(self.body):
            raise forms.ValidationError(
                _("The selection [%(start)s, %(end)s) is not inside this article (%(length)s characters).")
                % {"start": start, "end": end, "length": len(self.body)}
            )
        snapped = snap_to_words(self.body, start, end)
        if snapped is None:
            raise forms.ValidationError(_("Select some words: spaces and punctuation alone cannot be annotated."))
        data["start"], data["end"] = snapped
        return data

    def changes(self) -> dict:
        """What suggestions.services.accept() takes as the editor's changes."""
        data = dict(self.cleaned_data)
        name, kind = " ".join(data.pop("entity_name").split()), data.pop("entity_kind")
        if not name:
            data["entity"] = None
        else:
            named = Entity.objects.named(name)
            entity = (named.filter(kind=kind) if kind else named).first()
            if entity is not None:
                data["entity"] = entity
            else:
                data["new_entity"] = (name, kind or self.suggestion.proposed_kind or Entity.Kind.PERSON)
        return data
