"""Annotations out of the app, streamed: CSV for spreadsheets, JSON Lines for researchers and doccano,
ClaimReview for fact-check aggregators (annotations.claimreview), W3C Web Annotation JSON-LD
(annotations.webannotation) for other annotation tools.

Both are generators of text, so a command writes them to a file and a view can stream them.
Rows come from the database as plain tuples in chunks (no model instances: an export reads
100,000 of them), so memory does not grow with the number exported.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import batched, groupby
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from annotations.models import Annotation
from articles.models import Article, iso_partial_date
from newsroom.site import absolute_url
from newsroom.spreadsheets import BYTE_ORDER_MARK, Echo, inert

CHUNK = 2000
ARTICLES_PER_QUERY = 500
EVIDENCE_SEPARATOR = " | "


class Row(NamedTuple):
    """What an export says of one annotation: every field, its article's and its entity's identity."""

    article_id: int
    article_title: str
    published_on: object
    date_precision: str
    id: int
    kind: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    entity_id: int | None
    entity_name: str | None
    entity_kind: str | None
    entity_wikidata: str | None
    verdict: str
    verdict_set_by: str | None
    verdict_set_at: object
    quote_type: str
    cue_verb: str
    source_type: str
    note: str
    evidence: list[str]
    author: str
    created_at: object
    updated_at: object
    # Identifies the article's text across databases (ids differ): importing finds the article by it.
    article_sha256: str = ""

    LOOKUPS = (
        "article_id", "article__title", "article__published_on", "article__date_precision", "pk", "kind",
        "start", "end", "exact", "prefix", "suffix", "entity_id", "entity__name", "entity__kind",
        "entity__external_id", "verdict", "verdict_set_by__username", "verdict_set_at", "quote_type", "cue_verb",
        "source_type", "note", "evidence", "author__username", "created_at", "updated_at",
        "article__content_sha256",
    )  # fmt: skip


def row_values(annotations: QuerySet[Annotation]) -> QuerySet:
    """The values of each annotation's Row (Row.LOOKUPS), by article, then in text order; a QuerySet,
    to slice (the API's pages) or iterate."""
    return annotations.order_by("article_id", "start", "-end", "pk").values_list(*Row.LOOKUPS)


def rows(annotations: QuerySet[Annotation]) -> Iterator[Row]:
    """The annotations by article, then in text order."""
    return (Row(*values) for values in row_values(annotations).iterator(chunk_size=CHUNK))


CSV_COLUMNS = [
    "article_id", "article_title", "article_published", "annotation_id", "kind", "start", "end", "text",
    "prefix", "suffix", "entity_id", "entity_name", "entity_kind", "entity_wikidata", "verdict",
    "verdict_set_by", "verdict_set_at", "quote_type", "cue_verb", "source_type", "note", "evidence",
    "author", "created_at", "updated_at",
]  # fmt: skip


def csv_lines(annotations: QuerySet[Annotation]) -> Iterator[str]:
    """One annotation per line, every field, starting with a byte-order mark."""
    writer = csv.writer(Echo())
    yield BYTE_ORDER_MARK + writer.writerow(CSV_COLUMNS)
    for row in rows(annotations):
        yield writer.writerow(_cells(row))


def _cells(row: Row) -> list:
    # Text from people and uploads may start like a formula: inert() keeps it text.
    return [
        row.article_id, inert(row.article_title), iso_partial_date(row.published_on, row.date_precision), row.id,
        row.kind, row.start, row.end, inert(row.exact), inert(row.prefix), inert(row.suffix), row.entity_id or "",
        inert(row.entity_name or ""), row.entity_kind or "", row.entity_wikidata or "", row.verdict,
        row.verdict_set_by or "", iso(row.verdict_set_at), row.quote_type, inert(row.cue_verb), row.source_type,
        inert(row.note), inert(EVIDENCE_SEPARATOR.join(row.evidence)), inert(row.author), iso(row.created_at),
        iso(row.updated_at),
    ]  # fmt: skip


def jsonl_lines(articles: QuerySet[Article], annotations: QuerySet[Annotation]) -> Iterator[str]:
    """One article per line: its text, ``annotations`` of it with every field, and doccano's
    ``label`` ([start, end, "KIND"], offsets in code points as Python and doccano count them).
    Articles without any of ``annotations`` are left out."""
    annotated = articles.filter(pk__in=annotations.values("article_id")).order_by("pk").values_list("pk", flat=True)
    for chunk in batched(annotated.iterator(chunk_size=CHUNK), ARTICLES_PER_QUERY):
        bodies = dict(Article.objects.filter(pk__in=chunk).values_list("pk", "body"))
        for article_id, group in groupby(
            rows(annotations.filter(article_id__in=chunk)), key=lambda row: row.article_id
        ):
            yield _article_line(article_id, bodies[article_id], list(group))


def _article_line(article_id: int, body: str, group: Iterable[Row]) -> str:
    first = group[0]
    line = {
        "id": article_id,
        # Where importing finds the article again: its address here, or its text's hash anywhere.
        "url": absolute_url("articles:detail", article_id),
        "content_sha256": first.article_sha256,
        "title": first.article_title,
        "published": iso_partial_date(first.published_on, first.date_precision),
        "text": body,
        "label": [[row.start, row.end, row.kind.upper()] for row in group],
        "annotations": [plain_annotation(row) for row in group],
    }
    return json.dumps(line, ensure_ascii=False) + "\n"


def plain_annotation(row: Row) -> dict:
    """Every field of one annotation: an item of a JSON Lines line's ``annotations``, and the API's plain shape."""
    entity = (
        {"id": row.entity_id, "name": row.entity_name, "kind": row.entity_kind, "wikidata": row.entity_wikidata or None}
        if row.entity_id
        else None
    )
    return {
        "id": row.id,
        "kind": row.kind,
        "start": row.start,
        "end": row.end,
        "text": row.exact,
        "prefix": row.prefix,
        "suffix": row.suffix,
        "entity": entity,
        "verdict": row.verdict or None,
        "verdict_set_by": row.verdict_set_by,
        "verdict_set_at": iso(row.verdict_set_at) or None,
        "quote_type": row.quote_type or None,
        "cue_verb": row.cue_verb or None,
        "source_type": row.source_type or None,
        "note": row.note,
        "evidence": row.evidence,
        "author": row.author,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def iso(moment: datetime.datetime | None) -> str:
    """A time as ISO 8601, or "" for none."""
    return moment.isoformat() if moment else ""


@dataclass(frozen=True)
class Format:
    """One way annotations leave the app: the command's ``--format`` and the download menus list these."""

    name: str
    label: str  # as the download menus show it (translatable: a lazy string)
    extension: str
    content_type: str
    # The text, in pieces, of ``annotations`` (a subset of which belong to ``articles``).
    lines: Callable[[QuerySet[Article], QuerySet[Annotation]], Iterator[str]]


def _claimreview_lines(articles: QuerySet[Article], annotations: QuerySet[Annotation]) -> Iterator[str]:
    from annotations.claimreview import claimreview_lines  # which builds on rows() here

    return claimreview_lines(annotations)


def w3c_lines(articles: QuerySet[Article], annotations: QuerySet[Annotation]) -> Iterator[str]:
    from annotations.webannotation import collection_lines  # which builds on Row and rows() above

    return collection_lines(annotations)


FORMATS: dict[str, Format] = {
    format.name: format
    for format in [
        Format("jsonl", gettext_lazy("JSON Lines"), "jsonl", "application/jsonl; charset=utf-8", jsonl_lines),
        Format(
            "csv", gettext_lazy("CSV"), "csv", "text/csv; charset=utf-8",
            lambda articles, annotations: csv_lines(annotations),
        ),
        Format(
            "claimreview", gettext_lazy("ClaimReview (schema.org JSON-LD)"), "jsonld",
            "application/ld+json; charset=utf-8", _claimreview_lines,
        ),
        Format(
            "w3c", gettext_lazy("W3C Web Annotation (JSON-LD)"), "jsonld", "application/ld+json; charset=utf-8",
            w3c_lines,
        ),
    ]
}  # fmt: skip
