from django import forms
from django.core.validators import URLValidator

from articles.annotating import is_direct_quote, snap_to_words, suggest_attribution
from articles.models import Annotation, Article, Entity


class ArticleSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Article.Status.choices])


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "status"]


class NewAnnotationForm(forms.Form):
    """A selection sent by the browser: its kind, code point offsets and text."""

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
                f"The selection [{start}, {end}) is not inside this article ({len(body)} characters)."
            )
        if body[start:end] != data["exact"]:
            raise forms.ValidationError(
                "The selected text does not match the article at those offsets. Reload the page and try again."
            )
        snapped = snap_to_words(body, start, end)
        if snapped is None:
            raise forms.ValidationError("Select some words: spaces and punctuation alone cannot be annotated.")
        data["start"], data["end"] = snapped
        return data

    def new_annotation(self, author) -> tuple[Annotation, str]:
        """The annotation, anchored in the text, with what the text itself tells (not saved).

        Also returns the name to look up first as its entity: the speaker named after a quote,
        the words themselves for an entity mention.
        """
        data = self.cleaned_data
        annotation = Annotation(
            article=self.article, kind=data["kind"], start=data["start"], end=data["end"], author=author
        )
        annotation.anchor(self.article.body)
        entity_name = annotation.exact if annotation.kind == Annotation.Kind.ENTITY else ""
        if annotation.kind == Annotation.Kind.QUOTE:
            direct = is_direct_quote(self.article.body, annotation.start, annotation.end)
            annotation.quote_type = Annotation.QuoteType.DIRECT if direct else Annotation.QuoteType.INDIRECT
            annotation.cue_verb, entity_name = suggest_attribution(self.article.body, annotation.end)
        return annotation, entity_name


class AnnotationForm(forms.ModelForm):
    """The details of one annotation; which fields depends on its kind.

    The entity is chosen from suggestions (``entity``) or created on the spot from
    ``new_entity_name`` and ``new_entity_kind``.
    """

    FIELDS_BY_KIND = {
        Annotation.Kind.QUOTE: ["quote_type", "cue_verb", "note"],
        Annotation.Kind.CLAIM: ["verdict", "note", "evidence"],
        Annotation.Kind.SOURCE: ["source_type", "note"],
        Annotation.Kind.ENTITY: ["note"],
    }
    ENTITY_LABELS = {
        Annotation.Kind.QUOTE: "Speaker",
        Annotation.Kind.CLAIM: "Claimant",
        Annotation.Kind.SOURCE: "Who is behind it",
        Annotation.Kind.ENTITY: "Entity",
    }

    entity = forms.ModelChoiceField(queryset=Entity.objects.all(), required=False, widget=forms.HiddenInput)
    entity_query = forms.CharField(required=False, max_length=200)
    new_entity_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    new_entity_kind = forms.ChoiceField(
        required=False, choices=[("", ""), *Entity.Kind.choices], widget=forms.HiddenInput
    )
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Links that support the verdict, one per line.",
    )

    class Meta:
        model = Annotation
        fields = ["entity", "quote_type", "cue_verb", "verdict", "source_type", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        for name in ["quote_type", "cue_verb", "verdict", "source_type", "note", "evidence"]:
            if name not in self.FIELDS_BY_KIND[kind]:
                del self.fields[name]
            elif name != "evidence":
                self.fields[name].help_text = ""  # the model's help is written for the admin
        self.fields["entity_query"].label = self.ENTITY_LABELS[kind]
        if "verdict" in self.fields:
            self.fields["verdict"].required = True
            self.fields["verdict"].choices = Annotation.Verdict.choices
        if "evidence" in self.fields and not self.is_bound:
            self.initial["evidence"] = "\n".join(self.instance.evidence)
        if self.instance.entity_id and not self.is_bound:
            self.initial["entity_query"] = self.instance.entity.name

    def clean_evidence(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["evidence"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(f"{link!r} is not a web link (http:// or https://).") from None
        return links

    def clean(self):
        data = super().clean()
        if data.get("new_entity_name", "").strip() and not data.get("new_entity_kind"):
            self.add_error("entity_query", "Say whether the new entity is a person, organisation, place or other.")
        return data

    def save(self, commit: bool = True) -> Annotation:
        annotation = super().save(commit=False)
        if "evidence" in self.fields:
            annotation.evidence = self.cleaned_data["evidence"]
        if annotation.entity is None:
            annotation.entity = self._entity_named_in_form()
        if annotation.kind == Annotation.Kind.ENTITY and annotation.entity:
            # The text as written becomes another spelling of the entity's name.
            aliases = list(annotation.entity.aliases)
            annotation.entity.add_alias(annotation.exact)
            if annotation.entity.aliases != aliases:
                annotation.entity.save(update_fields=["aliases", "updated_at"])
        if commit:
            annotation.save()
        return annotation

    def _entity_named_in_form(self) -> Entity | None:
        """An entity created on the spot, or one typed by its exact name or alias without picking it."""
        data = self.cleaned_data
        name = " ".join(data["new_entity_name"].split())
        if name:
            entity, _ = Entity.objects.get_or_create(
                name__iexact=name, kind=data["new_entity_kind"], defaults={"name": name}
            )
            return entity
        typed = data["entity_query"].strip()
        return Entity.objects.matching(typed).filter(exact=True).first() if typed else None
