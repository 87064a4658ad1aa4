"""The article list a page at a time by its order's key (keyset, or "seek", pagination).

A page after another is the rows whose key comes after the last row's key in the order, found
through the order's index as fast at the 2,000th page as at the first (an OFFSET would read and
throw away every row before). The key is the order's values and then the id, so no two rows tie;
the address carries the key of the row a page starts after (``after=``) or ends before
(``before=``), so pages can be bookmarked and an article added meanwhile moves no one's place.

Relevance has no index (each search ranks what it finds): its pages filter by the rank in the
same way, so each costs what the first does, ranking the matches once.
"""

import dataclasses
import datetime
import math
from collections.abc import Callable

from django.db.models import BooleanField, DateField, F, FloatField, Func, IntegerField, QuerySet, Value

from articles.models import LAST_ANNOTATED_OR_NEVER, Article

# Stands for "never annotated" in a key (the index's -infinity; Python has no such time).
NEVER = "never"
SEPARATOR = "_"
LARGEST_ID = 2**63 - 1


class RowCompare(Func):
    """``(a, b, c) < (x, y, z)``: the row comparison an index scan starts from (an OR of the same
    conditions would be a filter, read from the index's start)."""

    output_field = BooleanField()

    def __init__(self, keys, values, operator: str):
        super().__init__(*keys, *values)
        self.width, self.operator = len(keys), operator

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        left, right = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"({left}) {self.operator} ({right})", params


@dataclasses.dataclass(frozen=True)
class Key:
    """One column of an order's key: the expression ordered by (descending), how a row's value is
    read, written into the address and read back from it (ValueError when it cannot be)."""

    expression: object
    read: Callable[[Article], object]
    write: Callable[[object], str]
    parse: Callable[[str], object]
    field: object


def _count(text: str) -> int:
    number = int(text)
    if not 0 <= number < 2**31:
        raise ValueError(text)
    return number


def _id(text: str) -> int:
    number = int(text)
    if not 0 < number <= LARGEST_ID:
        raise ValueError(text)
    return number


def _time(text: str) -> datetime.datetime | str:
    if text == NEVER:
        return NEVER
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    # In UTC: PostgreSQL refuses offsets past 15:59 (a 500), and a moment before year 1 in UTC is none.
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(text) from None


def _rank(text: str) -> float:
    rank = float(text)
    if not math.isfinite(rank):
        raise ValueError(text)
    return rank


PUBLISHED = Key(F("published_on"), lambda a: a.published_on, datetime.date.isoformat, datetime.date.fromisoformat,
                DateField())  # fmt: skip
ID = Key(F("id"), lambda a: a.pk, str, _id, IntegerField())
ANNOTATED = Key(F("annotation_count"), lambda a: a.annotation_count, str, _count, IntegerField())
RECENT = Key(
    LAST_ANNOTATED_OR_NEVER,
    lambda a: a.last_annotated_at or NEVER,
    lambda moment: moment if moment == NEVER else moment.isoformat(),
    _time,
    None,
)
# The view's ``rank``, a float8, so that the rank read back equals the one compared (ts_rank_cd's
# float4, printed and read back, may not).
RANK = Key(F("rank"), lambda a: a.rank, repr, _rank, FloatField())

ORDERS = {
    "date": (PUBLISHED, ID),
    "annotated": (ANNOTATED, PUBLISHED, ID),
    "recent": (RECENT, PUBLISHED, ID),
    "relevance": (RANK, PUBLISHED, ID),
}


def parse(order: str, text: str) -> tuple:
    """The key an address's ``after=`` or ``before=`` holds; ValueError when it is not one of the order's."""
    keys = ORDERS[order]
    parts = text.split(SEPARATOR)
    if len(parts) != len(keys):
        raise ValueError(text)
    return tuple(key.parse(part) for key, part in zip(keys, parts, strict=True))


def key_of(order: str, article: Article) -> str:
    return SEPARATOR.join(key.write(key.read(article)) for key in ORDERS[order])


def _value(key: Key, value) -> object:
    if key is RECENT:
        return LAST_ANNOTATED_OR_NEVER.get_source_expressions()[1] if value == NEVER else Value(value)
    return Value(value, output_field=key.field)


@dataclasses.dataclass
class Page:
    """A page's rows, whether there are rows on either side, the keys of its first and last row;
    and for showing, its number, of how many, and the total (which the list counts; ``pages`` and
    ``total`` are None when the list counted no further than newsroom.counting's bound)."""

    rows: list  # the queryset's: Articles, or named tuples of the fields the keys read
    has_previous: bool
    has_next: bool
    first_key: str = ""
    last_key: str = ""
    number: int = 1
    pages: int | None = 1
    total: int | None = 0

    def __iter__(self):
        return iter(self.rows)

    @property
    def object_list(self) -> list:  # as a Paginator's page calls them
        return self.rows


def page(articles: QuerySet[Article], order: str, *, after=None, before=None, skip: int = 0, size: int) -> Page:
    """The ``size`` rows after the key ``after`` (or before ``before``, or the first ones after
    skipping ``skip``: an old ``?page=N`` address), in the order, with whether there are rows on
    either side. One query: a row more than a page tells whether there is a next page; a page
    after a key has rows before it (the one keyed, at least)."""
    keys = ORDERS[order]
    expressions = [key.expression for key in keys]
    if before is not None:
        found = list(
            articles.filter(
                RowCompare(expressions, [_value(k, v) for k, v in zip(keys, before, strict=True)], ">")
            ).order_by(*[expression.asc() for expression in expressions])[: size + 1]
        )
        if len(found) <= size:  # back at the start: the first page, whole
            return page(articles, order, size=size)
        rows, has_previous, has_next = found[:size][::-1], True, True
    else:
        if after is not None:
            values = [_value(k, v) for k, v in zip(keys, after, strict=True)]
            articles = articles.filter(RowCompare(expressions, values, "<"))
        ordered = articles.order_by(*[expression.desc() for expression in expressions])
        found = list(ordered[skip : skip + size + 1])
        rows, has_previous, has_next = found[:size], after is not None or skip > 0, len(found) > size
    if not rows:
        return Page(rows, has_previous, has_next)
    return Page(rows, has_previous, has_next, key_of(order, rows[0]), key_of(order, rows[-1]))
