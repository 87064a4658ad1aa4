"""What the browser sends about annotations, validated. Forms here never write: views hand what
they cleaned to annotations.services."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotations.anchoring import snap_to_words
from annotations.exporting import FORMATS
from annotations.models import DETAILS_BY_KIND, Annotation
from articles.models import Article
from entities.models import Entity

EVIDENCE_LINK_MAX_LENGTH = Annotation._meta.get_field("evidence").base_field.max_length
# Bounds on what one annotation holds: every reader of the article page downloads it all.
NOTE_MAX_LENGTH = 10_000
EVIDENCE_MAX_LINKS = 20


class SelectionForm(forms.Form):
    """A selection to annotate: its kind, code point offsets and text, snapped to whole words."""

    kind = forms.ChoiceField(choices=Annotation.Kind.choices)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    exact = forms.CharField(strip=False, max_length=100_000)

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        body, start, end = self.article.body, data["start"], data["end"]
        if not start < end <= len(body):
            raise forms.ValidationError(
                _("The selection [%(start)s, %(end)s) is not inside this article (%(length)s characters).")
                % {"start": start, "end": end, "length": len(body)}
            )
        if body[start:end] != data["exact"]:
            raise forms.ValidationError(
                _("The selected text does not match the article at those offsets. Reload the page and try again.")
            )
        snapped = snap_to_words(body, start, end)
        if snapped is None:
            raise forms.ValidationError(_("Select some words: spaces and punctuation alone cannot be annotated."))
        data["start"], data["end"] = snapped
        return data


class AnnotationForm(forms.Form):
    """The details of one annotation; which fields depends on its kind.

    The entity is one picked from suggestions (``entity``), one made on the spot from
    ``new_entity_name`` and ``new_entity_kind``, or one typed by its exact name or alias.
    """

    ENTITY_LABELS = {
        Annotation.Kind.QUOTE: gettext_lazy("Speaker"),
        Annotation.Kind.CLAIM: gettext_lazy("Claimant"),
        Annotation.Kind.SOURCE: gettext_lazy("Who is behind it"),
        Annotation.Kind.ENTITY: gettext_lazy("Entity"),
    }

    # The annotation's version when the editor was loaded: a change is refused when someone else
    # changed it since (annotations.services); resubmitting with the current one overwrites.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    entity = forms.ModelChoiceField(queryset=Entity.objects.all(), required=False, widget=forms.HiddenInput)
    entity_query = forms.CharField(required=False, max_length=200)
    new_entity_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    new_entity_kind = forms.ChoiceField(
        required=False, choices=[("", ""), *Entity.Kind.choices], widget=forms.HiddenInput
    )
    quote_type = forms.ChoiceField(
        label=gettext_lazy("Quote type"), required=False, choices=[("", "---------"), *Annotation.QuoteType.choices]
    )
    cue_verb = forms.CharField(
        label=gettext_lazy("Cue verb"), required=False, max_length=Annotation._meta.get_field("cue_verb").max_length
    )
    verdict = forms.ChoiceField(label=gettext_lazy("Verdict"), choices=Annotation.Verdict.choices)
    source_type = forms.ChoiceField(
        label=gettext_lazy("Source type"), required=False, choices=[("", "---------"), *Annotation.SourceType.choices]
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Links that support the verdict, one per line."),
    )

    def __init__(self, *args, annotation: Annotation, **kwargs):
        self.annotation = annotation
        details = DETAILS_BY_KIND[annotation.kind]
        initial = {name: getattr(annotation, name) for name in details}
        if "evidence" in initial:
            initial["evidence"] = "\n".join(annotation.evidence)
        initial["version"] = annotation.version
        if annotation.entity_id:
            initial |= {"entity": annotation.entity_id, "entity_query": annotation.entity.name}
        super().__init__(*args, initial=initial, **kwargs)
        for name in ["quote_type", "cue_verb", "verdict", "source_type", "note", "evidence"]:
            if name not in details:
                del self.fields[name]
        self.fields["entity_query"].label = self.ENTITY_LABELS[annotation.kind]
        # What the editor focuses first: a claim is for its verdict (then four actions make one).
        self.autofocus = "verdict" if annotation.kind == Annotation.Kind.CLAIM else "entity_query"
        if self.autofocus == "verdict":
            self.fields["verdict"].widget.attrs["autofocus"] = True

    def clean_evidence(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["evidence"].splitlines() if line.strip()]
        if len(links) > EVIDENCE_MAX_LINKS:
            raise forms.ValidationError(
                _("At most %(limit)s links, one per line (there are %(count)s).")
                % {"limit": EVIDENCE_MAX_LINKS, "count": len(links)}
            )
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(link)r is not a web link (http:// or https://).") % {"link": link}
                ) from None
            if len(link) > EVIDENCE_LINK_MAX_LENGTH:
                raise forms.ValidationError(
                    _("A link may be at most %(limit)s characters long.") % {"limit": EVIDENCE_LINK_MAX_LENGTH}
                )
        return links

    def clean(self):
        data = super().clean()
        data["new_entity_name"] = " ".join(data.get("new_entity_name", "").split())
        if data["new_entity_name"] and not data.get("new_entity_kind"):
            self.add_error("entity_query", _("Say whether the new entity is a person, organisation, place or other."))
        typed = data.get("entity_query", "").strip()
        if not data.get("entity") and not data["new_entity_name"] and typed:
            # Typed by its exact name or alias, without picking it from the list.
            data["entity"] = Entity.objects.matching(typed).filter(exact=True).first()
        return data

    def changes(self) -> dict:
        """Keyword arguments for annotations.services.update_annotation()."""
        data = self.cleaned_data
        new_entity = (data["new_entity_name"], data["new_entity_kind"]) if data["new_entity_name"] else None
        details = {name: data[name] for name in DETAILS_BY_KIND[self.annotation.kind]}
        return {"entity": data.get("entity"), "new_entity": new_entity, "version": data.get("version"), **details}


class DeleteForm(forms.Form):
    """A delete from the editor: the annotation's version it loaded (refused as stale when someone
    changed it since; absent: no check)."""

    version = forms.IntegerField(required=False, min_value=1)


class DownloadForm(forms.Form):
    """The format a download menu asks for; the page's own form validates what it selects."""

    format = forms.ChoiceField(
        # A callable: the registry is read when the form is, so every format in it is offered.
        choices=lambda: [(export.name, export.label) for export in FORMATS.values()],
        label=gettext_lazy("Format"),
    )


class AnnotationImportForm(forms.Form):
    """The Import annotations page: a file of the export's formats (W3C JSON-LD, JSON Lines)."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        error_messages={"required": gettext_lazy("Choose a file of annotations to import.")},
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Only check: store nothing"), required=False)
