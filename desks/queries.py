"""What the quotes and claims desks fetch: every quote or claim of every article, filtered.

Each page costs a fixed number of queries whatever the data: one for the rows of the page (with
their entity, article and reviewer joined), one count (the claims desk takes it from its counts
per verdict), and the speaker or claimant when one is chosen. The filters each have an index
(annotations migration 0004).
"""

import datetime

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from annotations.models import Annotation
from articles.models import DatePrecision
from entities.models import Entity

# What a row of a desk shows, and nothing more: an article's body can be long.
DESK_FIELDS = [
    "kind", "start", "exact", "verdict", "evidence", "quote_type", "cue_verb", "note", "author",
    "verdict_set_at", "entity__name", "article__title", "article__published_on", "article__date_precision",
    "article__language",
    "verdict_set_by__username", "version",
]  # fmt: skip


def quotes(
    *,
    speaker: Entity | None = None,
    quote_type: str = "",
    words: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Annotation]:
    """Quotes by every filter, in no order (quotes_in_desk_order() gives the desk's)."""
    found = Annotation.objects.filter(kind=Annotation.Kind.QUOTE).filter(published_between(since, until))
    if speaker:
        found = found.filter(entity=speaker)
    if quote_type:
        found = found.filter(quote_type=quote_type)
    if words:
        # Case and accents aside, the words as typed anywhere in the quote.
        found = found.containing(Annotation.Kind.QUOTE, words)
    return found


def quotes_in_desk_order(quotes: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """The quotes desk's rows: the newest articles first and each article's in text order."""
    return desk_rows(quotes).order_by("-article__published_on", "-article_id", "start", "pk")


def claims(
    *,
    claimant: Entity | None = None,
    words: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Annotation]:
    """Claims by every filter but the verdict, which the counts per verdict leave out (filter it after)."""
    found = Annotation.objects.filter(kind=Annotation.Kind.CLAIM).filter(published_between(since, until))
    if claimant:
        found = found.filter(entity=claimant)
    if words:
        # As the quotes desk: case and accents aside, the words as typed anywhere in the claim.
        found = found.containing(Annotation.Kind.CLAIM, words)
    return found


def claims_in_desk_order(claims: QuerySet[Annotation], *, unverified_first: bool = True) -> QuerySet[Annotation]:
    """The claims desk's rows: unverified claims first (unless told otherwise), then as the quotes."""
    order = ["-article__published_on", "-article_id", "start", "pk"]
    if unverified_first:
        order.insert(0, Case(When(verdict=Annotation.Verdict.UNVERIFIED, then=Value(0)), default=Value(1)).asc())
    return desk_rows(claims).order_by(*order)


def published_between(since: datetime.date | None, until: datetime.date | None) -> Q:
    """Annotations of articles published in [since, until], both ends included.

    An article's date is only as precise as its source: one dated "June 2025" was published on
    some day of June, so it belongs to every range that touches June (its stored date is the
    first day of its month or year).
    """
    condition = Q()
    if until:
        condition &= Q(article__published_on__lte=until)
    if since:
        condition &= (
            Q(article__date_precision=DatePrecision.DAY, article__published_on__gte=since)
            | Q(article__date_precision=DatePrecision.MONTH, article__published_on__gte=since.replace(day=1))
            | Q(article__date_precision=DatePrecision.YEAR, article__published_on__gte=since.replace(month=1, day=1))
        )
    return condition


def entity_named(name: str, *, kind: str) -> Entity | None:
    """The entity best matching ``name`` (accents and Hungarian case endings aside, as the entity
    lookup matches) among those that have annotations of ``kind``: the speakers of quotes, the
    claimants of claims. None when none matches."""
    annotated = Annotation.objects.filter(kind=kind, entity=OuterRef("pk"))
    return Entity.objects.matching(name).filter(Exists(annotated)).first()


def desk_rows(annotations: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """With what a desk's row shows joined in: its entity, its article, who set its verdict."""
    return annotations.select_related("entity", "article", "verdict_set_by").only(*DESK_FIELDS)
