"""What the API takes (query parameters, validated by ninja: a bad one is answered 400) and what it
answers, as the OpenAPI description at /api/openapi.json lists them.

The endpoints build their answers as plain dicts (an annotation's plain shape is the JSON Lines
export's own, annotations.exporting); the schemas here describe them, and the tests check the
answers against them.
"""

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from annotations.models import AnnotationKind, Verdict
from articles.models import ArticleStatus, DatePrecision
from entities.models import EntityKind

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger id names nothing, and must not reach the database
MAX_OFFSET = 1_000_000_000

ArticleStatusValue = Literal[tuple(ArticleStatus.values)]
AnnotationKindValue = Literal[tuple(AnnotationKind.values)]
VerdictValue = Literal[tuple(Verdict.values)]
EntityKindValue = Literal[tuple(EntityKind.values)]
Shape = Literal["plain", "w3c"]
# PostgreSQL's text holds no NUL character: one in a parameter is refused (400), never sent to it.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]


class Paging(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items a page (at most 100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip: the `next` link sets it.")


class ArticleFilters(Paging):
    q: Text | None = Field(None, max_length=200, description="Words to search for, as the article list searches.")
    status: ArticleStatusValue | None = None
    published_from: datetime.date | None = Field(
        None,
        description="Published on or after (YYYY-MM-DD); a month or a year only when it starts on or after.",
    )
    published_to: datetime.date | None = Field(
        None,
        description="Published on or before (YYYY-MM-DD); a month or a year only when it ends on or before.",
    )
    entity: int | None = Field(None, ge=1, le=MAX_ID, description="Only articles with an annotation naming it.")
    kind: AnnotationKindValue | None = Field(None, description="Only articles with an annotation of this kind.")


class AnnotationFilters(Paging):
    article: int | None = Field(None, ge=1, le=MAX_ID)
    kind: AnnotationKindValue | None = None
    entity: int | None = Field(None, ge=1, le=MAX_ID, description="The entity the annotation names.")
    verdict: VerdictValue | None = Field(None, description="Claims with this verdict.")
    author: Text | None = Field(None, max_length=150, description="The author's username.")
    since: datetime.date | None = Field(None, description="Changed on or after this day (YYYY-MM-DD).")


class EntityFilters(Paging):
    q: Text | None = Field(None, max_length=200, description="A name or spelling, best match first.")
    kind: EntityKindValue | None = None


class ShapeChoice(Schema):
    shape: Shape | None = Field(
        None,
        description="`plain` (as the JSON Lines export) or `w3c` (W3C Web Annotation); unset: `w3c` when the "
        "Accept header asks for application/ld+json, else `plain`.",
    )


class Error(Schema):
    detail: str
    parameter: str | None = Field(None, description="The query or path parameter that was wrong (400 only).")


class AnnotationEntity(Schema):
    id: int
    name: str
    kind: EntityKindValue
    wikidata: str | None


class PlainAnnotation(Schema):
    """As an item of ``annotations`` in the JSON Lines export."""

    id: int
    kind: AnnotationKindValue
    start: int = Field(description="Offset in Unicode code points into the article's text, inclusive.")
    end: int = Field(description="Offset in Unicode code points, exclusive.")
    text: str
    prefix: str
    suffix: str
    entity: AnnotationEntity | None
    verdict: VerdictValue | None
    verdict_set_by: str | None
    verdict_set_at: str | None
    quote_type: str | None
    cue_verb: str | None
    source_type: str | None
    note: str
    evidence: list[str]
    author: str
    created_at: str
    updated_at: str


class ArticleRef(Schema):
    id: int
    title: str
    published: str
    url: str


class ListedAnnotation(PlainAnnotation):
    article: ArticleRef


class AnnotationCounts(Schema):
    total: int
    source: int
    quote: int
    claim: int
    entity: int


class ArticleOut(Schema):
    id: int
    url: str = Field(description="This article in the API.")
    html_url: str = Field(description="Its page on the site.")
    title: str
    published: str = Field(description="As precise as the source: 2025, 2025-06 or 2025-06-09.")
    published_on: datetime.date = Field(description="The first day of `published`.")
    date_precision: Literal[tuple(DatePrecision.values)]
    status: ArticleStatusValue
    language: str
    annotation_counts: AnnotationCounts


class ArticleDetail(ArticleOut):
    text: str = Field(description="The normalised text annotation offsets point into.")
    annotations: list[PlainAnnotation] | list[dict[str, Any]] | None = Field(
        description="In text order, in the shape asked for; null for someone who may not read annotations."
    )


class EntityCounts(Schema):
    mentions: int
    quotes: int
    claims: int
    sources: int


class EntityOut(Schema):
    id: int
    url: str
    html_url: str
    name: str
    kind: EntityKindValue
    aliases: list[str]
    description: str
    wikidata: str | None
    annotation_counts: EntityCounts
    last_annotated_at: datetime.datetime | None


class Page(Schema):
    count: int = Field(description="Items matching, on all pages.")
    next: str | None = Field(description="The next page, with the same filters; null on the last.")
    previous: str | None


class ArticlePage(Page):
    results: list[ArticleOut]


class AnnotationPage(Page):
    results: list[ListedAnnotation] | list[dict[str, Any]]


class EntityPage(Page):
    results: list[EntityOut]
