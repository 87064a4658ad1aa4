"""Annotations out of the app, streamed: CSV for spreadsheets, JSON Lines for researchers and doccano.

Both are generators of text, so a command writes them to a file and a view can stream them;
rows come from the database in chunks, so memory does not grow with the number exported.
"""

import csv
import json
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from annotations.models import Annotation
from articles.models import Article
from newsroom.spreadsheets import BYTE_ORDER_MARK, Echo, inert

CHUNK = 2000
EVIDENCE_SEPARATOR = " | "

# One column per field of an annotation, its article's and its entity's identity.
CSV_COLUMNS = [
    "article_id", "article_title", "article_published", "annotation_id", "kind", "start", "end", "text",
    "prefix", "suffix", "entity_id", "entity_name", "entity_kind", "entity_wikidata", "verdict",
    "verdict_set_by", "verdict_set_at", "quote_type", "cue_verb", "source_type", "note", "evidence",
    "author", "created_at", "updated_at",
]  # fmt: skip


def exported(annotations: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """What an export reads of each annotation, in a stable order (by article, then in text order)."""
    return (
        annotations.select_related("article", "entity", "author", "verdict_set_by")
        .defer("article__body", "article__search_vector")
        .order_by("article_id", "start", "-end", "pk")
    )


def csv_lines(annotations: QuerySet[Annotation]) -> Iterator[str]:
    """One annotation per line, every field, starting with a byte-order mark."""
    writer = csv.writer(Echo())
    yield BYTE_ORDER_MARK + writer.writerow(CSV_COLUMNS)
    for annotation in exported(annotations).iterator(chunk_size=CHUNK):
        yield writer.writerow(_cells(annotation))


def _cells(annotation: Annotation) -> list:
    entity, article = annotation.entity, annotation.article
    text = [
        article.title, annotation.exact, annotation.prefix, annotation.suffix, entity.name if entity else "",
        annotation.note, EVIDENCE_SEPARATOR.join(annotation.evidence), annotation.cue_verb,
    ]  # fmt: skip
    title, exact, prefix, suffix, entity_name, note, evidence, cue_verb = (inert(value) for value in text)
    return [
        article.pk, title, article.publication_date_iso, annotation.pk, annotation.kind, annotation.start,
        annotation.end, exact, prefix, suffix, entity.pk if entity else "", entity_name,
        entity.kind if entity else "", entity.external_id if entity else "", annotation.verdict,
        annotation.verdict_set_by.get_username() if annotation.verdict_set_by else "",
        annotation.verdict_set_at.isoformat() if annotation.verdict_set_at else "", annotation.quote_type,
        cue_verb, annotation.source_type, note, evidence, inert(annotation.author.get_username()),
        annotation.created_at.isoformat(), annotation.updated_at.isoformat(),
    ]  # fmt: skip


def jsonl_lines(articles: QuerySet[Article], annotations: QuerySet[Annotation]) -> Iterator[str]:
    """One article per line: its text and ``annotations`` of it with every field, and doccano's
    ``label`` ([start, end, "KIND"], offsets in code points as Python and doccano count them)."""
    chosen = Prefetch("annotations", queryset=exported(annotations), to_attr="exported")
    for article in articles.defer("search_vector").order_by("pk").prefetch_related(chosen).iterator(chunk_size=200):
        if not article.exported:
            continue
        line = {
            "id": article.pk,
            "title": article.title,
            "published": article.publication_date_iso,
            "text": article.body,
            "label": [[a.start, a.end, a.kind.upper()] for a in article.exported],
            "annotations": [_fields(annotation) for annotation in article.exported],
        }
        yield json.dumps(line, ensure_ascii=False) + "\n"


def _fields(annotation: Annotation) -> dict:
    entity = annotation.entity
    return {
        "id": annotation.pk,
        "kind": annotation.kind,
        "start": annotation.start,
        "end": annotation.end,
        "text": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "entity": {"id": entity.pk, "name": entity.name, "kind": entity.kind, "wikidata": entity.external_id or None}
        if entity
        else None,
        "verdict": annotation.verdict or None,
        "verdict_set_by": annotation.verdict_set_by.get_username() if annotation.verdict_set_by else None,
        "verdict_set_at": annotation.verdict_set_at.isoformat() if annotation.verdict_set_at else None,
        "quote_type": annotation.quote_type or None,
        "cue_verb": annotation.cue_verb or None,
        "source_type": annotation.source_type or None,
        "note": annotation.note,
        "evidence": annotation.evidence,
        "author": annotation.author.get_username(),
        "created_at": annotation.created_at.isoformat(),
        "updated_at": annotation.updated_at.isoformat(),
    }
