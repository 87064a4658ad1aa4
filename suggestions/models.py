"""Suggestions stored per article, for editors to accept, edit or reject (README.md, "Suggestions").

What the recognisers (suggestions.suggesting) compute is stored here once per article, kind and
span: the unique constraint is what keeps a rejected suggestion from being proposed again and an
accepted one from being proposed twice, since re-suggesting inserts with ON CONFLICT DO NOTHING.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy

from annotations.models import AnnotationKind, SourceType
from entities.models import EntityKind
from newsroom.postgres import choices_constraint


class SuggestionKind(models.TextChoices):
    # The kinds the recognisers propose; the values are the annotations' own.
    ENTITY = AnnotationKind.ENTITY.value, AnnotationKind.ENTITY.label
    QUOTE = AnnotationKind.QUOTE.value, AnnotationKind.QUOTE.label
    SOURCE = AnnotationKind.SOURCE.value, AnnotationKind.SOURCE.label


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    REJECTED = "rejected", gettext_lazy("Rejected")


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SuggestionStatus.PENDING)

    def in_text_order(self):
        return self.order_by("start", "-end", "kind", "pk")

    def counts_by_kind(self) -> dict[str, int]:
        """How many of these there are of each kind, every kind named (0 where there are none), in one query."""
        found = dict(self.order_by().values_list("kind").annotate(count=models.Count("pk")))
        return {kind: found.get(kind, 0) for kind in SuggestionKind.values}


class Suggestion(models.Model):
    Kind = SuggestionKind
    Status = SuggestionStatus

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="suggestions", verbose_name=gettext_lazy("article")
    )
    kind = models.CharField(max_length=6, choices=Kind, verbose_name=gettext_lazy("kind"))
    start = models.PositiveIntegerField(verbose_name=gettext_lazy("start"))
    end = models.PositiveIntegerField(verbose_name=gettext_lazy("end"))
    exact = models.TextField(
        help_text=gettext_lazy("The suggested text: body[start:end]."), verbose_name=gettext_lazy("text")
    )
    rule = models.CharField(
        max_length=40,
        help_text=gettext_lazy("The rule or model that proposed it."),
        verbose_name=gettext_lazy("rule"),
    )
    confidence = models.FloatField(verbose_name=gettext_lazy("confidence"))
    entity = models.ForeignKey(
        "entities.Entity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("The catalogued entity named, the speaker, or who is behind a source."),
        verbose_name=gettext_lazy("entity"),
    )
    # A name not in the catalogue: the entity is created when the suggestion is accepted.
    proposed_name = models.CharField(max_length=200, blank=True, verbose_name=gettext_lazy("proposed entity"))
    proposed_kind = models.CharField(
        max_length=12, choices=EntityKind, blank=True, verbose_name=gettext_lazy("proposed entity kind")
    )
    direct = models.BooleanField(
        null=True, blank=True, help_text=gettext_lazy("Quotes only."), verbose_name=gettext_lazy("direct")
    )
    cue = models.CharField(
        max_length=60, blank=True, help_text=gettext_lazy("Quotes only."), verbose_name=gettext_lazy("cue verb")
    )
    source_type = models.CharField(
        max_length=11,
        choices=SourceType,
        blank=True,
        help_text=gettext_lazy("Sources only."),
        verbose_name=gettext_lazy("source type"),
    )
    status = models.CharField(
        max_length=8,
        choices=Status,
        default=Status.PENDING,
        db_default=Status.PENDING,
        verbose_name=gettext_lazy("status"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # as an annotation's author: who decided is kept
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("decided at"))
    # The annotation it became; left empty when that annotation is deleted later (it stays accepted).
    annotation = models.ForeignKey(
        "annotations.Annotation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        verbose_name=gettext_lazy("annotation"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created"))

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("suggestion")
        verbose_name_plural = gettext_lazy("suggestions")
        indexes = [
            # The article page: its pending suggestions in text order (suggestions.views), and the
            # counts per kind beside them.
            models.Index(
                fields=["article", "start"], condition=Q(status=SuggestionStatus.PENDING), name="suggestion_pending_idx"
            ),
        ]
        constraints = [
            # Once per article, kind and span, whatever became of it: re-suggesting inserts with
            # ON CONFLICT DO NOTHING, so a rejected one is never proposed again, an accepted one not twice.
            models.UniqueConstraint(fields=["article", "kind", "start", "end"], name="suggestion_once_per_kind_span"),
            choices_constraint("kind", SuggestionKind, "suggestion_kind_valid"),
            choices_constraint("status", SuggestionStatus, "suggestion_status_valid"),
            models.CheckConstraint(
                condition=Q(proposed_kind__in=[*EntityKind.values, ""]), name="suggestion_proposed_kind_valid"
            ),
            models.CheckConstraint(condition=Q(start__gte=0, end__gt=F("start")), name="suggestion_span_valid"),
            models.CheckConstraint(condition=Q(end=F("start") + Length("exact")), name="suggestion_exact_fits_span"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="suggestion_confidence_in_range"
            ),
            # Pending: no one has decided; decided: who and when are both recorded.
            models.CheckConstraint(
                condition=Q(status=SuggestionStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status=SuggestionStatus.PENDING) & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="suggestion_decision_recorded",
            ),
            models.CheckConstraint(
                condition=Q(annotation__isnull=True) | Q(status=SuggestionStatus.ACCEPTED),
                name="suggestion_annotation_only_when_accepted",
            ),
            # A catalogued entity or a proposed new one, never both; a proposal has a name and a kind.
            models.CheckConstraint(
                condition=Q(proposed_name="", proposed_kind="")
                | (Q(entity__isnull=True) & ~Q(proposed_name="") & ~Q(proposed_kind="")),
                name="suggestion_entity_or_proposal",
            ),
            models.CheckConstraint(
                condition=Q(kind=SuggestionKind.QUOTE) | Q(direct__isnull=True, cue=""),
                name="suggestion_quote_fields_only_on_quotes",
            ),
            models.CheckConstraint(
                condition=Q(kind=SuggestionKind.SOURCE, source_type__in=[*SourceType.values, ""]) | Q(source_type=""),
                name="suggestion_source_type_only_on_sources",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:60]} ({self.rule} {self.confidence:.2f})"

    @property
    def entity_name(self) -> str:
        """Who or what it names: the catalogued entity's name, or the one proposed."""
        return self.entity.name if self.entity_id else self.proposed_name
