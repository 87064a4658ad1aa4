import contextlib
import re
from functools import cache

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat, Greatest, Length, Substr, Upper
from django.utils.translation import gettext_lazy

from entities.spelling import unaccented
from newsroom.postgres import choices_constraint, estimated_rows, planned_without, unaccent, version_trigger

# The columns whose change is a new version of an annotation: all but the bookkeeping ones.
ANNOTATION_EDITED_COLUMNS = [
    "article_id",
    "kind",
    "start",
    '"end"',
    "exact",
    "prefix",
    "suffix",
    "entity_id",
    "verdict",
    "evidence",
    "quote_type",
    "cue_verb",
    "source_type",
    "note",
    "author_id",
]


class AnnotationKind(models.TextChoices):
    SOURCE = "source", gettext_lazy("Source")
    QUOTE = "quote", gettext_lazy("Quote")
    CLAIM = "claim", gettext_lazy("Claim")
    ENTITY = "entity", gettext_lazy("Entity mention")


class Verdict(models.TextChoices):
    UNVERIFIED = "unverified", gettext_lazy("Unverified")
    TRUE = "true", gettext_lazy("True")
    MOSTLY_TRUE = "mostly_true", gettext_lazy("Mostly true")
    HALF_TRUE = "half_true", gettext_lazy("Half true")
    MISLEADING = "misleading", gettext_lazy("Misleading")
    FALSE = "false", gettext_lazy("False")
    UNVERIFIABLE = "unverifiable", gettext_lazy("Cannot be verified")


class QuoteType(models.TextChoices):
    DIRECT = "direct", gettext_lazy("Direct")
    INDIRECT = "indirect", gettext_lazy("Indirect")


class SourceType(models.TextChoices):
    NEWS_AGENCY = "news_agency", gettext_lazy("News agency")
    MEDIA = "media", gettext_lazy("Media")
    OFFICIAL = "official", gettext_lazy("Official")
    EXPERT = "expert", gettext_lazy("Expert")
    DOCUMENT = "document", gettext_lazy("Document")
    ANONYMOUS = "anonymous", gettext_lazy("Anonymous")


class AnnotationProvenance(models.TextChoices):
    """Where an annotation came from (history.models.Origin says where each change came from)."""

    TYPED = "typed", gettext_lazy("typed by an editor")
    SUGGESTION = "suggestion", gettext_lazy("accepted suggestion")
    IMPORT = "import", gettext_lazy("imported")


# The details each kind has, beside its entity (the speaker, the claimant, who is behind a source).
DETAILS_BY_KIND = {
    AnnotationKind.QUOTE: ["quote_type", "cue_verb", "note"],
    AnnotationKind.CLAIM: ["verdict", "note", "evidence"],
    AnnotationKind.SOURCE: ["source_type", "note"],
    AnnotationKind.ENTITY: ["note"],
}


def text_order(annotation) -> tuple[int, int, int]:
    """The sort key of the order a reader meets annotations in: by start, the longer (outer) one
    first, then the older. Also for plain rows, which have ``start``, ``end`` and ``pk`` too."""
    return annotation.start, -annotation.end, annotation.pk


# A word of the text typed whose unaccented form PostgreSQL's unaccent() gives alike: Hungarian
# letters and digits (annotations.models.AnnotationQuerySet.containing()).
PLAIN_WORD = re.compile(r"[0-9a-záéíóöőúüű]+")


# What quotes' and claims' words are searched in (AnnotationQuerySet.containing()): a column each.
WORDS_KEYS = {AnnotationKind.QUOTE: "quote_words_key", AnnotationKind.CLAIM: "claim_words_key"}
# Words in this share of a kind's texts or more are found soonest by walking its rows
# (AnnotationQuerySet.newest_of_first()): the 1,001 counted are met within some 4,000 rows.
# Measured at 100,000 articles: in 42 to 48 % of 256,000 claims, 2 to 12 ms walked against
# 65 to 99 from the indexes; in 0.2 %, 591 ms walked against 3 from the indexes.
COMMON_SHARE = 0.25


def words_key(text: str):
    """The text as a words key holds a quote's or a claim's: capitals, no accents."""
    return Upper(unaccent(Value(text)))


def words_vector(kind: str):
    """The words of a quote's or a claim's text, case and accents aside, as the word indexes hold
    them (annotation_quote_words_tsv, annotation_claim_words_tsv)."""
    return SearchVector(WORDS_KEYS[kind], config="simple")


def _words_key_field(kind: str):
    return models.GeneratedField(
        expression=Case(When(kind=kind, then=Upper(unaccent("exact")))),
        output_field=models.TextField(null=True),
        db_persist=True,
        verbose_name=gettext_lazy("words key"),
    )


def _narrowing(words: str, *, whole: bool) -> tuple[list[str], str, bool]:
    """The typed words each row must have whole, the one it must have a word starting with
    (AnnotationQuerySet.containing()), casefolded; and whether there are any and all are plain
    words (PLAIN_WORD), which the word indexes can narrow by."""
    typed = words.casefold().split(" ")
    if whole:
        exact, start = typed, ""
    else:
        exact, start = typed[1:-1], typed[-1] if len(typed) > 1 else ""
    narrowing = [*exact, start] if start else exact
    return exact, start, bool(narrowing) and all(PLAIN_WORD.fullmatch(word) for word in narrowing)


def _holding(field: str, key) -> Q:
    """``field`` holds ``key`` (words_key()) anywhere."""
    return Q(**{f"{field}__contains": key})


def _holding_words(field: str, key) -> Q:
    """``field`` holds ``key`` as words, beginning and ending one there (only for words of
    letters, digits and spaces: nothing in the pattern to escape)."""
    return Q(**{f"{field}__regex": Concat(Value(r"\m"), key, Value(r"\M"), output_field=models.TextField())})


class AnnotationQuerySet(models.QuerySet):
    def containing(self, kind: str, words: str, *, whole: bool = False, or_of=None, narrowed: bool = True):
        """Quotes or claims (``kind``) whose text holds ``words`` as typed, case and accents aside
        (their words key), by their trigram indexes (annotation_quote_words_trgm,
        annotation_claim_words_trgm).

        Trigrams of several common words in a row are each in most rows, and the index reads
        them all (60 ms for a phrase in 108,000 of 256,000 claims). So when the words are
        several, the rows are first narrowed by the word indexes (annotation_*_words_tsv): every
        word inside the text typed is a whole word of the row, the last one the start of one (the
        first may be the end of one: not used). Testing the text as typed then reads the rows the
        words found, the trigram index not asked (its expression is written another way).
        ``narrowed``: so; not where the rows are walked, testing each (newest_of_first()), as
        finding a row's words costs more than finding the text typed in it, which implies them.

        ``whole``: the words are whole words (a "quoted phrase" in the search box), the first and
        the last too, which narrows the rows the most (a word's start matches many words: 20 ms
        more for 'részt…'). Only for words of letters and digits; others are matched as typed.
        Words the text-search parser drops (inside '<…>', which it takes for a tag) or keeps
        together with what follows ('12' of '12.5', a web address's parts) are not found when
        narrowed; walking (not ``narrowed``) finds them as typed. ``or_of``: an entity whose
        annotations are wanted as well (one query, each way by its index)."""
        column, key = WORDS_KEYS[kind], words_key(words)
        exact, start, plain = _narrowing(words, whole=whole)
        found, matching = self.filter(kind=kind), Q()
        if plain and narrowed:
            terms = [f"'{unaccented(word)}'" for word in exact] + ([f"'{unaccented(start)}':*"] if start else [])
            # Concat(…, ''): the same text, not the trigram index's expression.
            as_is = Concat(column, Value(""), output_field=models.TextField())
            found = found.alias(words_text=as_is, words_vector=words_vector(kind))
            matching = Q(words_vector=SearchQuery(" & ".join(terms), config="simple", search_type="raw"))
        else:
            found = found.alias(words_text=F(column))
        matching &= _holding("words_text", key)
        if whole and plain:
            # After the text: a LIKE costs less than the pattern, which then tests few rows.
            matching &= _holding_words("words_text", key)
        return found.filter(matching if or_of is None else matching | Q(entity=or_of))

    def not_containing(self, kind: str, words: str):
        """These quotes or claims (``kind``) but those whose text holds ``words`` as containing()
        finds them: a search's -excluded words."""
        return self.exclude(_holding(WORDS_KEYS[kind], words_key(words)))

    def mostly_containing(self, kind: str, words: str, *, whole: bool = False) -> bool:
        """Whether COMMON_SHARE of the quotes or claims (``kind``) or more hold ``words`` as
        containing() tests the text (``whole``: as whole words), as PostgreSQL's statistics of
        their words key sample it: a hundred or so texts, right to a few percent, which is all it
        takes to choose a plan by."""
        column = WORDS_KEYS[kind]
        *_, plain = _narrowing(words, whole=whole)
        # The key alone (each kind's is a column, with statistics of its own): a match implies a
        # key. As whole words, the pattern alone, which implies the text: with the text's LIKE,
        # PostgreSQL would take the two for independent.
        key = words_key(words)
        matching = _holding_words(column, key) if whole and plain else _holding(column, key)
        matches = estimated_rows(Annotation.objects.filter(matching))
        return matches >= COMMON_SHARE * estimated_rows(Annotation.objects.filter(**{f"{column}__isnull": False}))

    def newest_of_first(self, most: int, shown: int, *, walk: bool) -> tuple[int, list[int]]:
        """How many of these there are, up to ``most``; and the ids of the ``shown`` of those
        whose articles are newest (each article's in text order): the first rows of a desk,
        chosen among the ``most`` found first, which is all of them unless there are more. (A
        common word is in most claims: putting all of them in desk order meant testing each one's
        text, seconds at 2 million annotations.) One query, one bounded scan: in Python, the
        thousand rows and their articles' dates took longer than the database to find them.

        ``walk`` (for containing(), not ``narrowed``): walking the kind's rows
        (annotation_kind_verdict_idx), testing each, rather than taking the matches from the
        search indexes, which list all of them as a bitmap first. Where most texts match
        (mostly_containing()) it finds them far sooner: 1,001 of a phrase's 108,000 claims in
        2,400 rows read, 4 to 12 ms (12 as whole words), against 66 to 99 ms; where few do, it would
        read the whole kind."""
        try:
            found, params = self.order_by().values("pk", "article_id", "start")[:most].query.sql_with_params()
        except EmptyResultSet:  # none(): Django sends no query
            return 0, []
        articles = connection.ops.quote_name(self.model._meta.get_field("article").related_model._meta.db_table)
        # Each article's date by its id (LATERAL): joined, PostgreSQL could read every article.
        sql = f"""
            WITH found AS MATERIALIZED ({found})
            SELECT (SELECT count(*) FROM found), ARRAY(
                SELECT found.pk FROM found
                CROSS JOIN LATERAL (SELECT published_on FROM {articles} WHERE id = found.article_id) AS article
                ORDER BY article.published_on DESC, found.article_id DESC, found.start, found.pk
                LIMIT %s
            )
        """
        # Nor workers nor compiling when walking: either takes longer than the walk (its cost is
        # estimated as if it read the whole kind, the words' share being unknown to the planner).
        planned = planned_without("bitmapscan", "seqscan", "parallel", "jit") if walk else contextlib.nullcontext()
        with planned, connection.cursor() as cursor:
            cursor.execute(sql, [*params, shown])
            count, ids = cursor.fetchone()
        return count, ids

    def in_text_order(self):
        """The database's side of text_order()."""
        return self.order_by("start", "-end", "pk")

    def verdict_counts(self) -> dict[str, int]:
        """How many of these annotations have each verdict, in one query; verdicts none has are left out."""
        return dict(self.order_by().values_list("verdict").annotate(count=models.Count("pk")))

    def with_surrounding_text(self, characters: int = 200):
        """Each with up to ``characters`` of its article's text before and after it
        (``text_before``, ``text_after``), cut by the database so the bodies stay there."""
        before_start = Greatest(F("start") - characters, Value(0))
        return self.annotate(
            text_before=Substr("article__body", before_start + 1, F("start") - before_start),
            text_after=Substr("article__body", F("end") + 1, Value(characters)),
        )


class Annotation(models.Model):
    # Nested names too, so callers write Annotation.Kind.QUOTE; Meta cannot see class-body names.
    Kind = AnnotationKind
    Verdict = Verdict
    QuoteType = QuoteType
    SourceType = SourceType
    Provenance = AnnotationProvenance

    # How much text around the span is kept to find it again (W3C TextQuoteSelector).
    CONTEXT_LENGTH = 32

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="annotations", verbose_name=gettext_lazy("article")
    )
    kind = models.CharField(max_length=6, choices=Kind, verbose_name=gettext_lazy("kind"))
    start = models.PositiveIntegerField(
        help_text=gettext_lazy("Unicode code point offset into the body, inclusive."),
        verbose_name=gettext_lazy("start"),
    )
    end = models.PositiveIntegerField(
        help_text=gettext_lazy("Unicode code point offset into the body, exclusive."), verbose_name=gettext_lazy("end")
    )
    exact = models.TextField(
        help_text=gettext_lazy("The annotated text: body[start:end]."), verbose_name=gettext_lazy("text")
    )
    prefix = models.TextField(
        blank=True,
        help_text=gettext_lazy("Text just before the span, to re-anchor it."),
        verbose_name=gettext_lazy("text before"),
    )
    suffix = models.TextField(
        blank=True,
        help_text=gettext_lazy("Text just after the span, to re-anchor it."),
        verbose_name=gettext_lazy("text after"),
    )
    entity = models.ForeignKey(
        "entities.Entity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
        help_text=gettext_lazy(
            "The speaker of a quote, the claimant of a claim, who is behind a source, or the entity a mention names."
        ),
        verbose_name=gettext_lazy("entity"),
    )
    verdict = models.CharField(
        max_length=12,
        choices=Verdict,
        blank=True,
        help_text=gettext_lazy("Claims only."),
        verbose_name=gettext_lazy("verdict"),
    )
    evidence = ArrayField(
        models.URLField(max_length=500),
        default=list,
        blank=True,
        help_text=gettext_lazy("Claims only: links that support a verdict."),
        verbose_name=gettext_lazy("evidence"),
    )
    quote_type = models.CharField(
        max_length=8,
        choices=QuoteType,
        blank=True,
        help_text=gettext_lazy("Quotes only."),
        verbose_name=gettext_lazy("quote type"),
    )
    cue_verb = models.CharField(
        max_length=60,
        blank=True,
        help_text=gettext_lazy("Quotes only: the verb of saying, e.g. mondta."),
        verbose_name=gettext_lazy("cue verb"),
    )
    source_type = models.CharField(
        max_length=11,
        choices=SourceType,
        blank=True,
        help_text=gettext_lazy("Sources only."),
        verbose_name=gettext_lazy("source type"),
    )
    note = models.TextField(blank=True, verbose_name=gettext_lazy("note"))
    # Who set a claim's verdict last, and when (annotations.services); empty until someone does.
    verdict_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # as the author: who decided is kept, people are deactivated
        related_name="+",
        help_text=gettext_lazy("Claims only: who set the verdict last."),
        verbose_name=gettext_lazy("verdict set by"),
    )
    verdict_set_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Claims only: when the verdict was set last."),
        verbose_name=gettext_lazy("verdict set at"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="annotations",
        verbose_name=gettext_lazy("author"),
    )
    # Typed, accepted from a suggestion (which rule or model, how confident; its author is who
    # accepted it), or imported from a file. Set when it is made, never changed by editing.
    provenance = models.CharField(
        max_length=10,
        choices=AnnotationProvenance,
        default=AnnotationProvenance.TYPED,
        db_default=AnnotationProvenance.TYPED,
        verbose_name=gettext_lazy("provenance"),
    )
    suggestion_rule = models.CharField(
        max_length=40,
        blank=True,
        help_text=gettext_lazy("Accepted suggestions only: the rule or model that proposed it."),
        verbose_name=gettext_lazy("suggested by"),
    )
    suggestion_confidence = models.FloatField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Accepted suggestions only: how confident the rule or model was."),
        verbose_name=gettext_lazy("confidence"),
    )
    # A quote's (a claim's) text in capitals without accents, kept by the database: what its
    # words are searched in (AnnotationQuerySet.containing()). Stored, as computing it took 7 µs
    # a row (unaccent() most of it), more than the rest of testing a row. A column for each kind,
    # as PostgreSQL keeps statistics by column: how many of one kind's texts hold some words can
    # then be estimated (mostly_containing()). None for the other kinds.
    quote_words_key = _words_key_field(AnnotationKind.QUOTE)
    claim_words_key = _words_key_field(AnnotationKind.CLAIM)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated"))
    # Kept by the database (VERSION_TRIGGER): what an editor loaded is compared with it on saving,
    # so that a change made by someone else meanwhile is never overwritten unseen (services).
    version = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text=gettext_lazy("Goes up by one with every change of what people edit; any value written is ignored."),
        verbose_name=gettext_lazy("version"),
    )

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("annotation")
        verbose_name_plural = gettext_lazy("annotations")
        db_table = "articles_annotation"  # where it lived before the annotations app (migration 0001)
        permissions = [
            ("moderate_annotation", "Can change and delete anyone's annotations"),
            ("review_claim", "Can set the verdict of anyone's claim"),
        ]
        indexes = [
            # An entity's page lists its annotations of each kind, newest first (entities.views);
            # the desks filter by speaker or claimant (kind = 'quote' AND entity_id = …), and their
            # name box asks which of the matching entities ever spoke or claimed.
            models.Index(fields=["entity", "kind", "-created_at"], name="annotation_entity_kind_new_idx"),
            # The claims desk filtered by verdict, and its counts per verdict.
            models.Index(fields=["kind", "verdict"], name="annotation_kind_verdict_idx"),
            # The quotes desk's "words in the quote": quote_words_key LIKE '%…%' (desks.queries).
            GinIndex(
                OpClass("quote_words_key", name="gin_trgm_ops"),
                condition=Q(kind=AnnotationKind.QUOTE),
                name="annotation_quote_words_trgm",
            ),
            # The search page's claims with the words typed in them (search.groups), as above.
            GinIndex(
                OpClass("claim_words_key", name="gin_trgm_ops"),
                condition=Q(kind=AnnotationKind.CLAIM),
                name="annotation_claim_words_trgm",
            ),
            # The same, for words of several: each word a lexeme (AnnotationQuerySet.containing()).
            GinIndex(
                words_vector(AnnotationKind.QUOTE),
                condition=Q(kind=AnnotationKind.QUOTE),
                name="annotation_quote_words_tsv",
            ),
            GinIndex(
                words_vector(AnnotationKind.CLAIM),
                condition=Q(kind=AnnotationKind.CLAIM),
                name="annotation_claim_words_tsv",
            ),
        ]
        constraints = [
            # One annotation per author, kind and span: pressing the key twice, or sending the
            # request again after an answer was lost, finds the one stored (services). Its index
            # also serves the article page, which fetches one article's annotations by start.
            models.UniqueConstraint(
                fields=["article", "start", "end", "kind", "author"],
                name="annotation_once_per_author_kind_span",
                violation_error_message=gettext_lazy("You have already annotated this text so."),
            ),
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
            choices_constraint("provenance", AnnotationProvenance, "annotation_provenance_valid"),
            # A suggestion's rule and confidence are recorded whole, and only for an accepted suggestion.
            models.CheckConstraint(
                condition=Q(
                    provenance=AnnotationProvenance.SUGGESTION,
                    suggestion_confidence__gte=0,
                    suggestion_confidence__lte=1,
                )
                & ~Q(suggestion_rule="")
                | (
                    ~Q(provenance=AnnotationProvenance.SUGGESTION)
                    & Q(suggestion_rule="", suggestion_confidence__isnull=True)
                ),
                name="annotation_provenance_recorded",
            ),
            # Who set a verdict and when are recorded together, and only claims have a verdict.
            models.CheckConstraint(
                condition=Q(verdict_set_by__isnull=True, verdict_set_at__isnull=True)
                | Q(kind=AnnotationKind.CLAIM, verdict_set_by__isnull=False, verdict_set_at__isnull=False),
                name="annotation_verdict_record_only_on_claims",
            ),
        ]
        triggers = [version_trigger(ANNOTATION_EDITED_COLUMNS)]
        # The span must match the article's text as well: a trigger checks that
        # (migration articles 0003), since a CHECK constraint cannot look into another table.

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:60]}"

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.CLAIM and not self.verdict:
            self.verdict = self.Verdict.UNVERIFIED
        super().save(*args, **kwargs)

    def changeable_by(self, user) -> bool:
        """Editors change their own annotations; moderators (Admins) anyone's."""
        return self._allowed(user, "annotations.change_annotation")

    def verdict_settable_by(self, user) -> bool:
        """Reviewers (Editors and Admins hold review_claim) set any claim's verdict; anyone else
        only on a claim they may change."""
        return self.kind == self.Kind.CLAIM and (user.has_perm("annotations.review_claim") or self.changeable_by(user))

    def deletable_by(self, user) -> bool:
        return self._allowed(user, "annotations.delete_annotation")

    def _allowed(self, user, permission: str) -> bool:
        return user.has_perm(permission) and (
            self.author_id == user.pk or user.has_perm("annotations.moderate_annotation")
        )

    def anchor(self, body: str) -> None:
        """Fill the exact text and its context from the article body and the offsets."""
        self.exact = body[self.start : self.end]
        self.prefix = body[max(0, self.start - self.CONTEXT_LENGTH) : self.start]
        self.suffix = body[self.end : self.end + self.CONTEXT_LENGTH]


@cache
def _spans_sql() -> str:
    from articles.models import Article  # articles.models imports this module

    quote = connection.ops.quote_name
    return (
        f"SELECT id, start, {quote('end')}, kind, verdict, "
        f"(SELECT annotation_version FROM {quote(Article._meta.db_table)} WHERE id = %(article)s) "
        f"FROM {quote(Annotation._meta.db_table)} WHERE article_id = %(article)s "
        f"ORDER BY start, {quote('end')} DESC, id"
    )


def spans_and_version(article_id: int) -> tuple[list[tuple[int, int, int, str, str]], int | None]:
    """Every annotation of the article as (id, start, end, kind, verdict) in text order, and the article's
    annotation_version, in one query (None when the article has no annotations).

    Answering a create needs this and runs it every time: the SQL is written once here, as
    compiling the ORM's query cost more than running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_spans_sql(), {"article": article_id})
        rows = cursor.fetchall()
    return [row[:5] for row in rows], (rows[0][5] if rows else None)
