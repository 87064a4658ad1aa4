import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField, TrigramWordSimilarity
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length, Lower, Now
from django.urls import reverse

from articles import annotating
from articles.search import ArrayToString, CapitalisedWords, Unaccent

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def choices_constraint(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """The database's own check that ``field`` holds one of ``choices``."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


def format_partial_date(date: datetime.date, precision: str) -> str:
    """'2025', 'June 2025' or '9 June 2025': only as precise as the source was."""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return f"{MONTH_NAMES[date.month - 1]} {date.year}"
    return f"{date.day} {MONTH_NAMES[date.month - 1]} {date.year}"


def iso_partial_date(date: datetime.date, precision: str) -> str:
    """'2025', '2025-06' or '2025-06-09', as a seed file writes it."""
    return {
        DatePrecision.YEAR: f"{date.year:04d}",
        DatePrecision.MONTH: f"{date.year:04d}-{date.month:02d}",
    }.get(precision, date.isoformat())


# Hungarian stems ordinary words but mangles names ('Kim' -> 'ki'), so capitalised words are
# indexed again, unstemmed and unaccented, with 'simple' (DOMAIN.md). Only those, and each
# text parsed once per configuration: computing the vector is most of an import's cost.
ARTICLE_SEARCH_VECTOR = SearchVector("title", "body", config="hungarian") + SearchVector(
    Unaccent(CapitalisedWords(Concat("title", Value(" "), "body", output_field=models.TextField()))),
    config="simple",
)


class ArticleQuerySet(models.QuerySet):
    def with_annotation_counts(self):
        """Per kind and in all, counted in the same query that fetches the articles."""
        counts = {
            f"{kind}_count": Count("annotations", filter=Q(annotations__kind=kind)) for kind in AnnotationKind.values
        }
        return self.annotate(annotation_count=Count("annotations"), **counts)

    def search(self, text: str):
        query = SearchQuery(text, config="hungarian", search_type="websearch") | SearchQuery(
            Unaccent(models.Value(text)), config="simple", search_type="websearch"
        )
        return self.filter(search_vector=query)


class ArticleStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Article(models.Model):
    Status = ArticleStatus

    title = models.CharField(max_length=300)
    body = models.TextField(help_text="Normalised text (NFC, \\n line endings); annotation offsets point into it.")
    published_on = models.DateField(help_text="First day of the period when the precision is a month or a year.")
    date_precision = models.CharField(max_length=5, choices=DatePrecision)
    language = models.CharField(max_length=8, default="hu", db_default="hu")
    source_filename = models.CharField(max_length=255, blank=True)
    content_sha256 = models.CharField(
        "SHA-256", max_length=64, unique=True, editable=False, help_text="Of the normalised body."
    )
    status = models.CharField(max_length=11, choices=Status, default=Status.NEW, db_default=Status.NEW)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(db_default=Now(), editable=False)
    search_vector = models.GeneratedField(
        expression=ARTICLE_SEARCH_VECTOR, output_field=SearchVectorField(), db_persist=True
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        permissions = [("import_articles", "Can import articles from seed files")]
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            # The article list's default order.
            models.Index(F("published_on").desc(), F("id").desc(), name="article_published_idx"),
        ]
        constraints = [
            choices_constraint("status", ArticleStatus, "article_status_valid"),
            choices_constraint("date_precision", DatePrecision, "article_precision_valid"),
            models.CheckConstraint(
                condition=Q(date_precision=DatePrecision.DAY)
                | Q(date_precision=DatePrecision.MONTH, published_on__day=1)
                | Q(date_precision=DatePrecision.YEAR, published_on__day=1, published_on__month=1),
                name="article_date_matches_precision",
            ),
            models.CheckConstraint(condition=Q(content_sha256__regex=r"^[0-9a-f]{64}$"), name="article_sha256_hex"),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.pk])

    @property
    def publication_date_display(self) -> str:
        return format_partial_date(self.published_on, self.date_precision)

    @property
    def publication_date_iso(self) -> str:
        return iso_partial_date(self.published_on, self.date_precision)


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    PLACE = "place", "Place"
    OTHER = "other", "Other"


class EntityQuerySet(models.QuerySet):
    def matching(self, text: str):
        """Entities whose name or an alias matches ``text``, best first.

        An exact name or alias comes first, or the same name in another transliteration ('Kim
        Jong Un' finds 'Kim Dzsongun'); then word trigram similarity over unaccented names and
        aliases, which also finds a name written with a Hungarian case suffix ('Sojgunak' finds
        'Szergej Sojgu').
        """
        text = " ".join(text.split())
        names = Unaccent(
            Concat("name", Value(" "), ArrayToString("aliases", Value(" ")), output_field=models.TextField())
        )
        query = Unaccent(Value(text))
        alias_match = RawSQL(
            "EXISTS (SELECT 1 FROM unnest(aliases) AS alias WHERE lower(alias) = lower(%s))",
            [text],
            output_field=models.BooleanField(),
        )
        return (
            self.alias(alias_match=alias_match)
            .annotate(
                exact=Q(name__iexact=text)
                | Q(alias_match=True)
                | Q(spelling_keys__contains=[annotating.transliteration_key(text)]),
                similarity=TrigramWordSimilarity(query, names),
            )
            .filter(Q(exact=True) | Q(similarity__gte=0.4))
            .order_by("-exact", "-similarity", "name")
        )


class Entity(models.Model):
    Kind = EntityKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind)
    aliases = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, help_text="Other spellings, one per item."
    )
    description = models.TextField(blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="An identifier elsewhere, e.g. a Wikidata QID such as Q56226."
    )
    spelling_keys = ArrayField(
        models.CharField(max_length=200),
        default=list,
        editable=False,
        help_text="Transliteration keys of the name and aliases, kept by save().",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        indexes = [
            # Finding an entity by any of its spellings, as written or transliterated.
            GinIndex(fields=["aliases"], name="entity_aliases_gin"),
            GinIndex(fields=["spelling_keys"], name="entity_spelling_keys_gin"),
        ]
        constraints = [
            choices_constraint("kind", EntityKind, "entity_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="entity_name_not_empty"),
            models.UniqueConstraint(Lower("name"), "kind", name="entity_unique_name_per_kind"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="entity_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    def save(self, *args, **kwargs):
        self.spelling_keys = annotating.spelling_keys(self.name, self.aliases)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "spelling_keys"}
        super().save(*args, **kwargs)

    def add_alias(self, spelling: str) -> None:
        """Remember another spelling of the name (not saved here)."""
        spelling = " ".join(spelling.split())
        known = {self.name.casefold(), *(alias.casefold() for alias in self.aliases)}
        if spelling and spelling.casefold() not in known:
            self.aliases = [*self.aliases, spelling]


class AnnotationKind(models.TextChoices):
    SOURCE = "source", "Source"
    QUOTE = "quote", "Quote"
    CLAIM = "claim", "Claim"
    ENTITY = "entity", "Entity mention"


class Verdict(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    HALF_TRUE = "half_true", "Half true"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Cannot be verified"


class QuoteType(models.TextChoices):
    DIRECT = "direct", "Direct"
    INDIRECT = "indirect", "Indirect"


class SourceType(models.TextChoices):
    NEWS_AGENCY = "news_agency", "News agency"
    MEDIA = "media", "Media"
    OFFICIAL = "official", "Official"
    EXPERT = "expert", "Expert"
    DOCUMENT = "document", "Document"
    ANONYMOUS = "anonymous", "Anonymous"


class Annotation(models.Model):
    # Nested names too, so callers write Annotation.Kind.QUOTE; Meta cannot see class-body names.
    Kind = AnnotationKind
    Verdict = Verdict
    QuoteType = QuoteType
    SourceType = SourceType

    # How much text around the span is kept to find it again (W3C TextQuoteSelector).
    CONTEXT_LENGTH = 32

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=6, choices=Kind)
    start = models.PositiveIntegerField(help_text="Unicode code point offset into the body, inclusive.")
    end = models.PositiveIntegerField(help_text="Unicode code point offset into the body, exclusive.")
    exact = models.TextField(help_text="The annotated text: body[start:end].")
    prefix = models.TextField(blank=True, help_text="Text just before the span, to re-anchor it.")
    suffix = models.TextField(blank=True, help_text="Text just after the span, to re-anchor it.")
    entity = models.ForeignKey(
        Entity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
        help_text="The speaker of a quote, the claimant of a claim, who is behind a source, "
        "or the entity a mention names.",
    )
    verdict = models.CharField(max_length=12, choices=Verdict, blank=True, help_text="Claims only.")
    evidence = ArrayField(
        models.URLField(max_length=500),
        default=list,
        blank=True,
        help_text="Claims only: links that support a verdict.",
    )
    quote_type = models.CharField(max_length=8, choices=QuoteType, blank=True, help_text="Quotes only.")
    cue_verb = models.CharField(max_length=60, blank=True, help_text="Quotes only: the verb of saying, e.g. mondta.")
    source_type = models.CharField(max_length=11, choices=SourceType, blank=True, help_text="Sources only.")
    note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "start", "-end", "id"]
        permissions = [("moderate_annotation", "Can change and delete anyone's annotations")]
        indexes = [
            # The article page fetches one article's annotations in text order.
            models.Index(fields=["article", "start"], name="annotation_article_start_idx"),
        ]
        constraints = [
            choices_constraint("kind", AnnotationKind, "annotation_kind_valid"),
            models.CheckConstraint(condition=Q(start__gte=0, end__gt=F("start")), name="annotation_span_valid"),
            models.CheckConstraint(condition=Q(end=F("start") + Length("exact")), name="annotation_exact_fits_span"),
            models.CheckConstraint(
                condition=Q(kind=AnnotationKind.CLAIM, verdict__in=Verdict.values)
                | (~Q(kind=AnnotationKind.CLAIM) & Q(verdict="")),
                name="annotation_verdict_only_on_claims",
            ),
            models.CheckConstraint(
                condition=Q(kind=AnnotationKind.CLAIM) | Q(evidence=[]), name="annotation_evidence_only_on_claims"
            ),
            models.CheckConstraint(
                condition=Q(kind=AnnotationKind.QUOTE, quote_type__in=[*QuoteType.values, ""])
                | Q(quote_type="", cue_verb=""),
                name="annotation_quote_fields_only_on_quotes",
            ),
            models.CheckConstraint(
                condition=Q(kind=AnnotationKind.SOURCE, source_type__in=[*SourceType.values, ""]) | Q(source_type=""),
                name="annotation_source_type_only_on_sources",
            ),
        ]
        # The span must match the article's text as well: a trigger checks that
        # (migration 0003), since a CHECK constraint cannot look into another table.

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:60]}"

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.CLAIM and not self.verdict:
            self.verdict = self.Verdict.UNVERIFIED
        super().save(*args, **kwargs)

    def changeable_by(self, user) -> bool:
        """Editors change their own annotations; moderators (Admins) anyone's."""
        return self._allowed(user, "articles.change_annotation")

    def deletable_by(self, user) -> bool:
        return self._allowed(user, "articles.delete_annotation")

    def _allowed(self, user, permission: str) -> bool:
        return user.has_perm(permission) and (
            self.author_id == user.pk or user.has_perm("articles.moderate_annotation")
        )

    def anchor(self, body: str) -> None:
        """Fill the exact text and its context from the article body and the offsets."""
        self.exact = body[self.start : self.end]
        self.prefix = body[max(0, self.start - self.CONTEXT_LENGTH) : self.start]
        self.suffix = body[self.end : self.end + self.CONTEXT_LENGTH]
