import contextlib
import datetime
import functools
import logging
import operator
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVectorField
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Now
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy

from annotations.models import Annotation, AnnotationKind, Verdict
from articles import indexing, searching
from newsroom.models import KeptByTheDatabase
from newsroom.postgres import choices_constraint, estimated_rows, planned_without

logger = logging.getLogger(__name__)


class DatePrecision(models.TextChoices):
    YEAR = "year", gettext_lazy("Year")
    MONTH = "month", gettext_lazy("Month")
    DAY = "day", gettext_lazy("Day")


def format_partial_date(date: datetime.date, precision: str) -> str:
    """Only as precise as the source was, in the current language's form: '2025', '2025. június'
    or '2025. június 9.' in Hungarian, '2025', 'June 2025' or '9 June 2025' in English."""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(date, "YEAR_MONTH_FORMAT")
    return formats.date_format(date, "DATE_FORMAT")


def iso_partial_date(date: datetime.date, precision: str) -> str:
    """'2025', '2025-06' or '2025-06-09', as a seed file writes it."""
    return {
        DatePrecision.YEAR: f"{date.year:04d}",
        DatePrecision.MONTH: f"{date.year:04d}-{date.month:02d}",
    }.get(precision, date.isoformat())


def _period_ends_by(day: datetime.date) -> Q:
    """Articles whose whole period (the day, month or year of their precision) ends on or before ``day``:
    the period starts (published_on) before the start of the period that contains the next day."""
    after = day + datetime.timedelta(days=1)
    return (
        Q(date_precision=DatePrecision.DAY, published_on__lt=after)
        | Q(date_precision=DatePrecision.MONTH, published_on__lt=after.replace(day=1))
        | Q(date_precision=DatePrecision.YEAR, published_on__lt=after.replace(month=1, day=1))
    )


# When an article was last annotated, and for one never annotated a time before all others: the
# recently annotated order's key, one that a row comparison and an index can take (NULL cannot).
LAST_ANNOTATED_OR_NEVER = Coalesce("last_annotated_at", Cast(Value("-infinity"), models.DateTimeField()))

# The article's own count of each kind of annotation (kept by the database).
COUNT_FIELDS = {kind: f"{kind}_count" for kind in AnnotationKind.values}

# What testing an article against a search costs (reading its vector), against taking a match
# from the search index and sorting it: measured at 100,000 articles (ArticleQuerySet.newest_ids).
WALK_COST_RATIO = 4

# Each verdict's bit in Article.claim_verdict_bits.
VERDICT_BITS = {verdict: 1 << place for place, verdict in enumerate(Verdict.values)}

# Each kind's bit in ArticleTally.kind_bits: set where an article has annotations of the kind.
KIND_BITS = {kind: 1 << place for place, kind in enumerate(AnnotationKind.values)}

# The list's count conditions per filter, as SQL over the columns of article_list_counts_idx
# (ArticleQuerySet.list_counts): (SQL, parameters) for a value. Column names are ours, values parameters.
LIST_COUNT_CONDITIONS = {
    "status": lambda value: ("listed.status = %s", [value]),
    "kind": lambda value: (f"listed.{COUNT_FIELDS[value]} > 0", []),
    # A bit test rather than the array's @>: a tenth of the cost, 7 times for each of 100,000 rows.
    "verdict": lambda value: ("listed.claim_verdict_bits & %s <> 0", [VERDICT_BITS[value]]),
}
# The same over the rows of ArticleTally (ArticleTallyQuerySet.list_counts).
TALLY_CONDITIONS = {
    "status": lambda value: ("listed.status = %s", [value]),
    "kind": lambda value: ("listed.kind_bits & %s <> 0", [KIND_BITS[value]]),
    "verdict": lambda value: ("listed.verdict_bits & %s <> 0", [VERDICT_BITS[value]]),
}


def _list_counts(
    count: str, rows: str, params: list, conditions: dict, chosen: dict, *, also: str = ""
) -> tuple[dict[str, dict[str, int]], tuple]:
    """The article list's counts per value of each counted filter, each as if that value were
    chosen instead, under the other filters' ``chosen`` values (blank for any): ``count``, an
    aggregate over ``listed``, FILTERed by ``conditions``, in one SELECT from ``rows`` (SQL that
    names them ``listed``, with ``params``). With the values of ``also``, more columns of that
    SELECT, after the counts."""
    values = {"status": ArticleStatus.values, "kind": list(COUNT_FIELDS), "verdict": Verdict.values}
    columns, column_params = [], []
    for facet, facet_values in values.items():
        others = [conditions[other](value) for other, value in chosen.items() if other != facet and value]
        for value in facet_values:
            filters = [conditions[facet](value), *others]
            columns.append(f"{count} FILTER (WHERE {' AND '.join(sql for sql, _ in filters)})")
            column_params += [param for _, filter_params in filters for param in filter_params]
    if also:
        columns.append(also)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {rows}", [*column_params, *params])
        counted = iter(cursor.fetchone())
    # A sum over no rows is NULL.
    counts = {facet: {value: next(counted) or 0 for value in facet_values} for facet, facet_values in values.items()}
    return counts, tuple(counted)


class ArticleQuerySet(models.QuerySet):
    def published_within(self, start: datetime.date | None = None, end: datetime.date | None = None):
        """Articles whose whole publication period is inside start…end (either may be open): 'June
        2025' is inside 2025-06-01…2025-06-30, but not inside 2025-06-10…2025-07-31 nor
        2025-05-01…2025-06-15 — a period that crosses an edge might lie outside, so it is left out."""
        articles = self
        if start:
            articles = articles.filter(published_on__gte=start)  # the period's first day
        if end:
            articles = articles.filter(_period_ends_by(end))
        return articles

    def with_annotations(self, **match):
        """Articles with at least one annotation that matches (kind=, entity_id=, verdict=…): an
        EXISTS, so an article is listed once however many match."""
        return self.filter(Exists(Annotation.objects.filter(article=OuterRef("pk"), **match)))

    def imported_in(self, batch_id: int):
        """Articles a file of the import batch stored (not those it found already there, as duplicates)."""
        from imports.models import FileStatus, ImportedFile  # imports.models imports this module

        files = ImportedFile.objects.filter(article=OuterRef("pk"), batch_id=batch_id, status=FileStatus.IMPORTED)
        return self.filter(Exists(files))

    def with_rank(self, text: str):
        """As search(), each with its ``rank`` (ts_rank_cd), without the headlines of ranked_search()."""
        query = searching.article_query(text)
        if query is None:
            return self.none().annotate(rank=Value(0.0))
        rank = SearchRank(F("search_vector"), query.tsquery, cover_density=True)
        return self.filter(query.condition).annotate(rank=rank)

    def found_ids(self, most: int) -> list[int]:
        """Up to ``most`` ids of these articles (a search's), in no order.

        PostgreSQL would read the table, testing article after article until it has enough, as
        it costs a test as a comparison though it reads the article's whole vector: 83 ms to find
        1,000 of a word's 6,300 matches of 100,000, against 2 ms from the search index. So unless
        the matches are dense (walks_soon()), they are taken from the search index. Where they
        are, walking the articles in the order they were stored finds them soonest: some 1,100
        rows for 1,000 of 90,000 matches (a phrase's), against every match for the index, which
        must read each one's vector to check the words' order. By the primary key rather than
        reading the table, which PostgreSQL would: it reads a large table through a small ring
        of buffers of its own, each page from the operating system again, where the key's walk
        finds them in shared buffers (6.5 ms against 30 to 100 ms at 100,000 articles)."""
        if self.walks_soon(most):
            with planned_without("seqscan", "bitmapscan"):
                return list(self.order_by("pk").values_list("pk", flat=True)[:most])
        with planned_without("indexscan", "seqscan"):
            return list(self.order_by().values_list("pk", flat=True)[:most])

    def newest_ids(self, most: int) -> list[int]:
        """The ids of the newest ``most`` of these articles (a search's), newest first.

        Two ways, each far the better at one end: walking the date index testing each article,
        which finds them soon when most articles match (10 ms for the newest 1,000 of 90,000
        matches) and reads a thousand vectors for every match when few do (200 ms for 1,000 of
        6,300); or every match from the search index, sorted (15 ms for 6,300; 70 for 90,000).
        PostgreSQL would walk for both: walks_soon() chooses."""
        # PostgreSQL's own plan where walking finds them soon; else one from the search index.
        planned = contextlib.nullcontext() if self.walks_soon(most) else planned_without("indexscan", "seqscan")
        with planned:
            return list(self.order_by("-published_on", "-id").values_list("pk", flat=True)[:most])

    def walks_soon(self, most: int) -> bool:
        """Whether walking the articles in an order, testing each, finds ``most`` of these soon:
        reads fewer articles than taking every match from the search index would take, by
        WALK_COST_RATIO and PostgreSQL's estimate of the matches (which the search index's
        statistics make good), though not its plan."""
        # Estimated once for this queryset (the search page asks for its matches, then their newest).
        if not hasattr(self, "_estimates"):
            self._estimates = (
                estimated_rows(self.order_by().values("pk")),
                estimated_rows(Article.objects.values("pk")),
            )
        matches, articles = self._estimates
        walked = most * articles / max(matches, 1)
        return walked * WALK_COST_RATIO <= matches

    def list_counts(self, *, status: str = "", kind: str = "", verdict: str = "") -> dict[str, dict[str, int]]:
        """How many of these articles have each status, annotations of each kind and a claim of
        each verdict: the article list's counts beside each value of those three filters, each
        counted as if that value were chosen instead, under the other two filters' choices
        (``status``, ``kind``, ``verdict``, blank for any). One aggregate over the articles' own
        rows, which article_list_counts_idx answers alone. (For every article, ArticleTally
        answers from a few rows.)

        Written as SQL around this queryset's own query: the ORM built the 14 filtered counts
        anew on every request, which took longer than the database took to run them."""
        fields = ["status", *COUNT_FIELDS.values(), "claim_verdict_bits"]
        inner, inner_params = self.order_by().values(*fields).query.sql_with_params()
        # Counted by a column of the index (status), so that the index alone can answer.
        counts, _ = _list_counts(
            "count(listed.status)",
            f"({inner}) AS listed",
            list(inner_params),
            LIST_COUNT_CONDITIONS,
            {"status": status, "kind": kind, "verdict": verdict},
        )
        return counts

    def having(self, kind: str):
        """Articles with at least one annotation of the kind: its count, kept on the article's row."""
        return self.filter(**{f"{COUNT_FIELDS[kind]}__gt": 0})

    def with_verdict(self, verdict: str):
        """Articles with at least one claim of the verdict: their verdicts, kept on the article's row."""
        return self.filter(claim_verdicts__contains=[verdict])

    def search(self, text: str):
        """Articles the search box's text finds (articles.searching: stems, names with case
        endings, words without accents, an entity's other spellings, phrases, exclusions)."""
        query = searching.article_query(text)
        return self.none() if query is None else self.filter(query.condition)

    def ranked_search(self, text: str):
        """As search(), each with its ``rank`` (ts_rank_cd: matches close together count more) and
        its ``headline``: the passages of its text that match, marked as articles.searching marks
        them. Headlines are computed for the rows fetched only (after the LIMIT of a page)."""
        query = searching.article_query(text)
        if query is None:
            return self.none().annotate(rank=Value(0.0), headline=Value(""))
        return self.filter(query.condition).ranked_by(query.tsquery)

    def ranked_by(self, query):
        """Each with its ``rank`` and ``headline`` for a query of articles.searching, as
        ranked_search() but without filtering by it: for ranking articles chosen otherwise."""
        return self.with_headline(query).annotate(rank=SearchRank(F("search_vector"), query, cover_density=True))

    def with_headline(self, query):
        """Each with its ``headline`` for a query of articles.searching (ranked_search()). PostgreSQL
        computes it after the sort and LIMIT, for the rows fetched only: it reads the whole text."""
        return self.annotate(
            headline=SearchHeadline(
                "body",
                query,
                config="hungarian",
                start_sel=searching.START,
                stop_sel=searching.STOP,
                max_fragments=2,
                max_words=25,
                min_words=10,
                fragment_delimiter=" … ",
            ),
        )


# ArticleTally's table, named here as its triggers on articles write to it.
TALLY_TABLE = "articles_tally"
# How many rows the triggers may add to ArticleTally before reading it sums them up (compact()).
TALLY_CHANGES_KEPT = 200
# The advisory lock compact() and recount() hold: a number of their own among the database's advisory locks.
TALLY_LOCK = 0x7A11_7A11
# An article's combination in ArticleTally, as SQL over its row (or a row of a trigger's transition table).
TALLY_KIND_BITS = " + ".join(
    f"(CASE WHEN {COUNT_FIELDS[kind]} > 0 THEN {bit} ELSE 0 END)" for kind, bit in KIND_BITS.items()
)


def _tally_triggers() -> list:
    """Triggers on articles, once per statement, adding to ArticleTally what the statement changed:
    per combination of status, kinds and verdicts, the articles it brought (rows of new_rows) less
    those it took away (old_rows), where they differ. Only inserts, so no writer waits for another
    (a row per combination, updated in place, would make every import and every annotation that
    changes a combination wait for the others' transactions to end)."""
    import pgtrigger  # only where a model declares one

    def changes(table: str, sign: str) -> str:
        return (
            f"SELECT status, {TALLY_KIND_BITS} AS kind_bits, claim_verdict_bits AS verdict_bits, "
            f"{sign}1 AS articles FROM {table}"
        )

    def trigger(name: str, operation, *tables: tuple[str, str]):
        return pgtrigger.Trigger(
            name=name,
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=pgtrigger.Referencing(**{table: f"{table}_rows" for table, _ in tables}),
            func=f"""
INSERT INTO {TALLY_TABLE} (status, kind_bits, verdict_bits, articles)
SELECT status, kind_bits, verdict_bits, sum(articles)
  FROM ({" UNION ALL ".join(changes(f"{table}_rows", sign) for table, sign in tables)}) AS changed
 GROUP BY status, kind_bits, verdict_bits
HAVING sum(articles) <> 0;
RETURN NULL;""",
        )

    return [
        trigger("tally_on_insert", pgtrigger.Insert, ("new", "")),
        trigger("tally_on_update", pgtrigger.Update, ("new", ""), ("old", "-")),
        trigger("tally_on_delete", pgtrigger.Delete, ("old", "-")),
        pgtrigger.Trigger(
            name="tally_on_truncate",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Truncate,
            func=f"DELETE FROM {TALLY_TABLE}; RETURN NULL;",
        ),
    ]


class ArticleStatus(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    DONE = "done", gettext_lazy("Done")


class Article(KeptByTheDatabase):
    DATABASE_KEPT_FIELDS = frozenset(
        {
            "annotation_version",
            "annotation_count",
            *COUNT_FIELDS.values(),
            "claim_verdicts",
            "last_annotated_at",
            "search_vector",
        }
    )
    Status = ArticleStatus

    title = models.CharField(max_length=300, verbose_name=gettext_lazy("title"))
    body = models.TextField(
        help_text=gettext_lazy("Normalised text (NFC, \\n line endings); annotation offsets point into it."),
        verbose_name=gettext_lazy("text"),
    )
    published_on = models.DateField(
        help_text=gettext_lazy("First day of the period when the precision is a month or a year."),
        verbose_name=gettext_lazy("published"),
    )
    date_precision = models.CharField(max_length=5, choices=DatePrecision, verbose_name=gettext_lazy("date precision"))
    language = models.CharField(max_length=8, default="hu", db_default="hu", verbose_name=gettext_lazy("language"))
    source_filename = models.CharField(max_length=255, blank=True, verbose_name=gettext_lazy("source file name"))
    content_sha256 = models.CharField(
        "SHA-256", max_length=64, unique=True, editable=False, help_text=gettext_lazy("Of the normalised body.")
    )
    status = models.CharField(
        max_length=11, choices=Status, default=Status.NEW, db_default=Status.NEW, verbose_name=gettext_lazy("status")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("imported by"),
    )
    imported_at = models.DateTimeField(db_default=Now(), editable=False, verbose_name=gettext_lazy("imported at"))
    # Kept by the database itself (triggers, migration annotations 0002), so no write can forget it.
    annotation_version = models.PositiveBigIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text=gettext_lazy(
            "Goes up by one with every statement that adds, changes or deletes annotations of this "
            "article, or renames an entity they name: the page keeps the version it shows."
        ),
        verbose_name=gettext_lazy("annotation version"),
    )
    # Kept by the database (a trigger on annotations, migration 0014), so that the list sorts and
    # pages 100,000 articles by them through an index, and shows a page's counts without a GROUP BY.
    annotation_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("annotations")
    )
    source_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("sources")
    )
    quote_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("quotes")
    )
    claim_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("claims")
    )
    entity_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("entity mentions")
    )
    # The verdicts its claims have, each once, in order: the list's verdict filter and its counts
    # read them from the row (and from article_list_counts_idx) rather than from the claims.
    claim_verdicts = ArrayField(
        models.CharField(max_length=12, choices=Verdict),
        default=list,
        db_default=[],
        editable=False,
        verbose_name=gettext_lazy("verdicts of its claims"),
    )
    # The same as bits (VERDICT_BITS), for counting: testing a bit costs a tenth of testing the array.
    claim_verdict_bits = models.GeneratedField(
        expression=functools.reduce(
            operator.add,
            (
                Case(When(claim_verdicts__contains=[verdict], then=Value(bit)), default=Value(0))
                for verdict, bit in VERDICT_BITS.items()
            ),
        ),
        output_field=models.IntegerField(),
        db_persist=True,
        verbose_name=gettext_lazy("verdicts of its claims, as bits"),
    )
    # When one of its annotations was last added or changed; None when it has none (a deletion
    # leaves no time behind: the latest of the remaining ones).
    last_annotated_at = models.DateTimeField(null=True, editable=False, verbose_name=gettext_lazy("last annotated"))
    # Kept by the database (articles.indexing): computed by a trigger as the article is written,
    # or, for what an import stores, a moment later by the search-index step; NULL until then.
    search_vector = SearchVectorField(null=True, editable=False, verbose_name=gettext_lazy("search vector"))

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("article")
        verbose_name_plural = gettext_lazy("articles")
        ordering = ["-published_on", "-id"]
        permissions = [("import_articles", "Can import articles from seed files")]
        indexes = [
            # Every search (ArticleQuerySet.search()).
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            # The search-index step's next articles to index (articles.indexing.fill_search_index()).
            models.Index(fields=["id"], condition=Q(search_vector__isnull=True), name="article_unindexed_idx"),
            # The article list's orders, each a page at a time by its key (articles.paging): newest
            # first; most annotated first; recently annotated first, never-annotated ones last.
            models.Index(F("published_on").desc(), F("id").desc(), name="article_list_by_date_idx"),
            models.Index(
                F("annotation_count").desc(),
                F("published_on").desc(),
                F("id").desc(),
                name="article_list_by_count_idx",
            ),
            models.Index(
                LAST_ANNOTATED_OR_NEVER.desc(),
                F("published_on").desc(),
                F("id").desc(),
                name="article_list_by_recent_idx",
            ),
            # The list's counts per status and kind of annotation (ArticleQuerySet.list_counts), read
            # from this index alone rather than from the table's wide rows; the date range filters it.
            models.Index(
                fields=["status", "published_on"],
                include=["date_precision", *COUNT_FIELDS.values(), "claim_verdict_bits"],
                name="article_list_counts_idx",
            ),
            # The editorial queue's next article: the oldest new one (articles.queue).
            models.Index(
                fields=["published_on", "id"], condition=Q(status=ArticleStatus.NEW), name="article_queue_new_idx"
            ),
        ]
        triggers = [indexing.search_vector_trigger(), *_tally_triggers()]
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
    def source_name(self) -> str:
        """The name of the file it was imported from, without the folders it was in on the server."""
        return PurePosixPath(self.source_filename.replace("\\", "/")).name

    @property
    def publication_date_display(self) -> str:
        return format_partial_date(self.published_on, self.date_precision)

    @property
    def publication_date_iso(self) -> str:
        return iso_partial_date(self.published_on, self.date_precision)


class ArticleTallyManager(models.Manager):
    """What is read and done with the whole tally (its rows mean nothing one by one)."""

    def list_counts(self, *, status: str = "", kind: str = "", verdict: str = "") -> dict[str, dict[str, int]]:
        """ArticleQuerySet.list_counts() for every article, from the tally's rows: one per
        combination that articles have (694 at the list benchmark's 10,000 articles, whose claims
        have random verdicts; 6,144 at most), whatever the number of articles, and the changes
        not yet summed. 1 ms against 4.7 over the index at 10,000 articles, 41 to 66 at 100,000.
        Sums the rows up after, when the triggers have added more than TALLY_CHANGES_KEPT."""
        counts, (changes,) = _list_counts(
            "sum(listed.articles)",
            f"{TALLY_TABLE} AS listed",
            [],
            TALLY_CONDITIONS,
            {"status": status, "kind": kind, "verdict": verdict},
            also="count(*) FILTER (WHERE NOT listed.summed)",
        )
        if changes > TALLY_CHANGES_KEPT:
            try:
                self.compact()
            except DatabaseError:
                # The counts are read; summing up can wait for the next reader (a read-only
                # standby, a statement timeout): a page is not refused for it.
                logger.warning("The article tally was not summed up.", exc_info=True)
        return counts

    def compact(self) -> bool:
        """Each combination's rows summed into one, those that sum to nothing removed: in one
        statement, so a reader sees the sums before or after, never between. The rows of
        transactions not yet committed are not seen, so are left as they are, for the next time.
        One at a time, under an advisory lock (two at once would sum right, the second waiting
        for the first's rows); False when another holds it."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [TALLY_LOCK])
            if not cursor.fetchone()[0]:
                return False
            cursor.execute(
                f"""WITH summed AS (DELETE FROM {TALLY_TABLE} RETURNING status, kind_bits, verdict_bits, articles)
                    INSERT INTO {TALLY_TABLE} (status, kind_bits, verdict_bits, articles, summed)
                    SELECT status, kind_bits, verdict_bits, sum(articles), true FROM summed
                     GROUP BY status, kind_bits, verdict_bits HAVING sum(articles) <> 0"""
            )
        return True

    def recount(self) -> None:
        """The tally counted again from the articles, for after writes that bypassed the triggers
        (``session_replication_role = replica``, ``pgtrigger.ignore``, a data-only restore).
        Other writers of articles wait meanwhile (a SHARE lock), so none is counted twice or missed."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Article._meta.db_table} IN SHARE MODE")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TALLY_LOCK])
            cursor.execute(f"DELETE FROM {TALLY_TABLE}")
            cursor.execute(
                f"""INSERT INTO {TALLY_TABLE} (status, kind_bits, verdict_bits, articles, summed)
                    SELECT status, {TALLY_KIND_BITS}, claim_verdict_bits, count(*), true
                      FROM {Article._meta.db_table} GROUP BY 1, 2, 3"""
            )


class ArticleTally(models.Model):
    """How many articles have a status, annotations of some kinds and claims of some verdicts, per
    combination of them: the article list's counts per filter value for the whole archive, read
    from a row per combination rather than from every article's (ArticleTallyManager.list_counts).

    Written by the database only: triggers on articles add a row for what each statement changed
    (``articles`` more or fewer, _tally_triggers), in the statement's transaction, so the sums are
    exact for whoever reads them, and empty it when articles are truncated; reading sums the rows
    up now and then (compact())."""

    status = models.CharField(max_length=11, choices=ArticleStatus, verbose_name=gettext_lazy("status"))
    kind_bits = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("kinds of annotations, as bits"))
    verdict_bits = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("verdicts of claims, as bits"))
    articles = models.IntegerField(verbose_name=gettext_lazy("articles"))
    # A combination's sum (compact()), rather than a change a trigger added.
    summed = models.BooleanField(default=False, db_default=False, verbose_name=gettext_lazy("summed"))

    objects = ArticleTallyManager()

    class Meta:
        db_table = TALLY_TABLE
        verbose_name = gettext_lazy("article tally")
        verbose_name_plural = gettext_lazy("article tallies")
        constraints = [
            choices_constraint("status", ArticleStatus, "tally_status_valid"),
            models.CheckConstraint(condition=Q(kind_bits__lt=1 << len(KIND_BITS)), name="tally_kind_bits_valid"),
            models.CheckConstraint(
                condition=Q(verdict_bits__lt=1 << len(VERDICT_BITS)), name="tally_verdict_bits_valid"
            ),
            # A change that changes nothing is not written.
            models.CheckConstraint(condition=~Q(articles=0), name="tally_articles_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.kind_bits} {self.verdict_bits}: {self.articles:+d}"


class Reader(models.Model):
    """Who has an article's page open: touched by the page's freshness check every few seconds
    (articles.presence). Bookkeeping of the page, not an editorial change: no history, no service."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("reader")
        verbose_name_plural = gettext_lazy("readers")
        constraints = [
            # One row per person and article, upserted by the check; its index finds an article's readers.
            models.UniqueConstraint(fields=["article", "user"], name="reader_once_per_article")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.article_id}"
