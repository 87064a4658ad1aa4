"""The read API under /api/ (README, "API"): articles, annotations and entities as JSON.

Each endpoint checks the permissions its page checks, for the token's owner; answers are built
from plain rows in a fixed number of queries whatever the page size, and paged by limit and
offset with absolute ``next`` links (newsroom.site). Every refusal is JSON: ``{"detail": …}``.
"""

import re
from typing import Annotated
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser

from annotations.exporting import Row, plain_annotation, row_values
from annotations.models import Annotation
from annotations.webannotation import W3C_CONTEXT, article_address, context, web_annotation
from api import schemas
from api.security import PerTokenRate, TokenAuth
from articles.models import Article, iso_partial_date
from entities.models import Entity, EntityMerge
from newsroom.site import absolute, absolute_url

JSON = "application/json"
ERRORS = {code: schemas.Error for code in (400, 401, 403, 404, 429)}
ArticleId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
EntityId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]


class EmptyIsUnset(Parser):
    """Query parameters as the pages' filter forms take them: an empty one (``?status=``) is as if not
    given, so a client may send every filter it has, set or not."""

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        return {name: value for name, value in parsed.items() if value != ""}


api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description="Read articles, their annotations and entities. See the README's “API” section.",
    auth=TokenAuth(),
    throttle=PerTokenRate(),
    urls_namespace="api",
    parser=EmptyIsUnset(),
    # No interactive page: ninja's Swagger UI runs from its own files, but its icons are data: images, which
    # the Content-Security-Policy refuses (img-src 'self'). /api/openapi.json describes the API instead.
    docs_url=None,
)


# Reading: the permissions of the pages (articles.views, desks.views, entities.views).
READ_ARTICLES = ["articles.view_article"]
READ_ANNOTATIONS = ["annotations.view_annotation", "articles.view_article"]  # they name their articles
READ_ENTITIES = ["entities.view_entity"]


def _require(request: HttpRequest, permissions: list[str]) -> None:
    if not request.user.has_perms(permissions):
        raise PermissionDenied(_("Your account may not read this: ask an admin for a role."))


@api.get("/articles/", response={200: schemas.ArticlePage, **ERRORS}, summary="Articles, newest first")
def article_list(request, filters: Query[schemas.ArticleFilters]):
    _require(request, READ_ARTICLES)
    articles = Article.objects.defer("body", "search_vector").order_by("-published_on", "-id")
    if filters.q and filters.q.strip():
        articles = articles.search(filters.q)  # as the article list searches
    if filters.status:
        articles = articles.filter(status=filters.status)
    # As the article list: a partial date is inside the range when its whole period is.
    articles = articles.published_within(filters.published_from, filters.published_to)
    if filters.entity or filters.kind:
        # What an article's annotations name is theirs to see.
        _require(request, READ_ANNOTATIONS)
        # One annotation that is both (the entity as a speaker when kind=quote), unlike the list's two filters.
        match = {"entity_id": filters.entity, "kind": filters.kind}
        articles = articles.with_annotations(**{field: value for field, value in match.items() if value})
    return _page(request, articles, filters, _article)


@api.get(
    "/articles/{id}/",
    response={200: schemas.ArticleDetail, **ERRORS},
    summary="An article with its annotations",
    description="Its text and its annotations in text order: plain, or (`shape=w3c`, or `Accept: "
    "application/ld+json`) each a whole W3C Web Annotation with its `@context`.",
)
def article_detail(request, id: ArticleId, choice: Query[schemas.ShapeChoice]):
    _require(request, READ_ARTICLES)
    article = Article.objects.defer("search_vector").filter(pk=id).first()
    if article is None:
        raise Http404
    answer = {**_article(article), "text": article.body, "annotations": None}
    # As on its page: the text for whoever may read articles, its annotations for those who may read them.
    if request.user.has_perm("annotations.view_annotation"):
        rows = row_values(article.annotations.all())
        if _shape(request, choice) == "w3c":
            # Each a whole Web Annotation, @context and all: the article around them is no JSON-LD.
            url = article_address(article.pk)
            answer["annotations"] = [web_annotation(Row(*values), article_url=url) for values in rows]
        else:
            answer["annotations"] = [plain_annotation(Row(*values)) for values in rows]
    return _vary_on_accept(_json(answer))


@api.get(
    "/annotations/",
    response={200: schemas.AnnotationPage, **ERRORS},
    summary="Annotations, by article",
    description="Plain: a page of `results`, each an annotation as the JSON Lines export writes it, with its "
    "`article`. W3C (`shape=w3c`, or `Accept: application/ld+json`): a W3C `AnnotationPage` (application/ld+json) "
    "whose `items` are Web Annotations, `partOf` the `AnnotationCollection` of all that match, with `next` and "
    "`prev` pages.",
)
def annotation_list(request, filters: Query[schemas.AnnotationFilters], choice: Query[schemas.ShapeChoice]):
    _require(request, READ_ANNOTATIONS)
    annotations = Annotation.objects.all()
    if filters.article:
        annotations = annotations.filter(article_id=filters.article)
    if filters.kind:
        annotations = annotations.filter(kind=filters.kind)
    if filters.entity:
        annotations = annotations.filter(entity_id=filters.entity)
    if filters.verdict:
        annotations = annotations.filter(verdict=filters.verdict)
    if filters.author:
        annotations = annotations.filter(author__username=filters.author)
    if filters.since:
        annotations = annotations.filter(updated_at__date__gte=filters.since)  # as the export's --since

    if _shape(request, choice) == "w3c":
        return _vary_on_accept(_annotation_page(request, annotations, filters))

    def listed(values: tuple) -> dict:
        row = Row(*values)
        article = {
            "id": row.article_id,
            "title": row.article_title,
            "published": iso_partial_date(row.published_on, row.date_precision),
            "url": absolute_url("api:article_detail", row.article_id),
        }
        return {**plain_annotation(row), "article": article}

    return _vary_on_accept(_page(request, annotations, filters, listed, rows=row_values))


@api.get("/entities/", response={200: schemas.EntityPage, **ERRORS}, summary="Entities, by name or best match")
def entity_list(request, filters: Query[schemas.EntityFilters]):
    _require(request, READ_ENTITIES)
    entities = Entity.objects.defer("spelling_keys", "search_names")
    if filters.kind:
        entities = entities.filter(kind=filters.kind)
    query = " ".join((filters.q or "").split())
    # Best match first for a search (as the catalogue), else by name in Hungarian order (name_sort_key, as the
    # catalogue: the name's collation is Hungarian only where PostgreSQL has ICU); the id keeps paging stable.
    entities = (
        entities.matching(query).order_by("-exact", "-similarity", "name_sort_key", "id")
        if query
        else entities.order_by("name_sort_key", "id")
    )
    return _page(request, entities, filters, _entity)


@api.get("/entities/{id}/", response={200: schemas.EntityOut, **ERRORS}, summary="An entity")
def entity_detail(request, id: EntityId):
    _require(request, READ_ENTITIES)
    entity = Entity.objects.defer("spelling_keys", "search_names").filter(pk=id).first()
    if entity is None:
        # A duplicate merged into another: its address leads to the survivor, as its page does.
        merge = EntityMerge.objects.filter(merged_id=id).values_list("survivor_id", flat=True).first()
        if merge is None:
            raise Http404
        return HttpResponsePermanentRedirect(absolute_url("api:entity_detail", merge))
    return _json(_entity(entity))


def _article(article: Article) -> dict:
    return {
        "id": article.pk,
        "url": absolute_url("api:article_detail", article.pk),
        "html_url": absolute(article.get_absolute_url()),
        "title": article.title,
        "published": article.publication_date_iso,
        "published_on": article.published_on.isoformat(),
        "date_precision": article.date_precision,
        "status": article.status,
        "language": article.language,
        "annotation_counts": {
            "total": article.annotation_count,
            "source": article.source_count,
            "quote": article.quote_count,
            "claim": article.claim_count,
            "entity": article.entity_count,
        },
    }


def _entity(entity: Entity) -> dict:
    return {
        "id": entity.pk,
        "url": absolute_url("api:entity_detail", entity.pk),
        "html_url": absolute(entity.get_absolute_url()),
        "name": entity.name,
        "kind": entity.kind,
        "aliases": entity.aliases,
        "description": entity.description,
        "wikidata": entity.external_id or None,
        "annotation_counts": {
            "mentions": entity.mention_count,
            "quotes": entity.quote_count,
            "claims": entity.claim_count,
            "sources": entity.source_count,
        },
        "last_annotated_at": entity.last_annotated_at.isoformat() if entity.last_annotated_at else None,
    }


def _shape(request, choice: schemas.ShapeChoice) -> str:
    """``shape`` as asked, else W3C for a client that accepts JSON-LD, else plain."""
    if choice.shape:
        return choice.shape
    return "w3c" if "application/ld+json" in request.headers.get("Accept", "") else "plain"


def _vary_on_accept(response):
    # The same address answers in the shape Accept asks for (when ``shape`` does not say).
    patch_vary_headers(response, ["Accept"])
    return response


def _annotation_page(request, annotations: QuerySet[Annotation], paging: schemas.Paging) -> JsonResponse:
    """A page of annotations as the Web Annotation Protocol pages a container: an AnnotationPage,
    part of the AnnotationCollection of all that match the filters."""
    count = annotations.count()
    start, end = paging.offset, paging.offset + paging.limit
    page = {
        "@context": context(),
        "id": _page_url(request, start),
        "type": "AnnotationPage",
        "partOf": {
            "id": _page_url(request, None),
            "type": "AnnotationCollection",
            "total": count,
        },
        "startIndex": start,
    }
    if end < count:
        page["next"] = _page_url(request, end)
    if start:
        page["prev"] = _page_url(request, max(start - paging.limit, 0))
    page["items"] = [web_annotation(Row(*values), standalone=False) for values in row_values(annotations)[start:end]]
    return _json(page, content_type=f'application/ld+json; profile="{W3C_CONTEXT}"')


def _page(request, items: QuerySet, paging: schemas.Paging, item, *, rows=None) -> JsonResponse:
    """One page of ``items``, each answered as ``item`` makes it, with links to the pages beside it."""
    count = items.count()
    start, end = paging.offset, paging.offset + paging.limit
    page = (rows(items) if rows else items)[start:end]
    return _json(
        {
            "count": count,
            "next": _page_url(request, end) if end < count else None,
            "previous": _page_url(request, max(start - paging.limit, 0)) if start else None,
            "results": [item(each) for each in page],
        }
    )


def _page_url(request, offset: int | None) -> str:
    """This address with the page at ``offset``; with ``None``, of all pages (no limit, no offset)."""
    query = request.GET.copy()
    if offset is None:
        query.pop("limit", None)
        query.pop("offset", None)
    else:
        query["offset"] = str(offset)
    return absolute(request.path) + ("?" + urlencode(sorted(query.lists()), doseq=True) if query else "")


def _json(data: dict, content_type: str = JSON) -> JsonResponse:
    # Hungarian as it is written, not as \u escapes.
    return JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})


# Refusals, each with a sentence saying what was wrong.

NOTHING_HERE = gettext_noop("There is nothing here: no such item, or no such address in the API.")


def _refusal(request, detail: str, status: int, **extra) -> JsonResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ValidationError)
def bad_parameter(request, exc: ValidationError):
    error = exc.errors[0]
    parameter = str(error["loc"][-1]) if error.get("loc") else ""
    return _refusal(request, f"{parameter}: {_problem(error)}", 400, parameter=parameter)


PROBLEMS = {
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "missing": gettext_lazy("This parameter is required."),
    "string_pattern_mismatch": gettext_lazy("Null characters are not allowed."),
}


def _problem(error: dict) -> str:
    context = error.get("ctx") or {}
    match error.get("type"):
        case "greater_than_equal":
            return _("Enter at least %(limit)s.") % {"limit": context.get("ge")}
        case "less_than_equal":
            return _("Enter at most %(limit)s.") % {"limit": context.get("le")}
        case "literal_error" | "enum":
            # pydantic says "'new', 'done' or 'in_progress'", in English: the values alone, in the list's order.
            choices = ", ".join(re.findall(r"'([^']*)'", str(context.get("expected", ""))))
            return _("Choose one of %(choices)s.") % {"choices": choices}
        case "string_too_long":
            return _("Enter at most %(limit)s characters.") % {"limit": context.get("max_length")}
        case kind if kind in PROBLEMS:
            return str(PROBLEMS[kind])
    return _("This is not a valid value.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _refusal(
        request, _("Send a valid API token: Authorization: Bearer, then the token (your account page makes one)."), 401
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _refusal(request, str(exc) or _("Your account may not read this."), 403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _refusal(request, _(NOTHING_HERE), 404)


@api.exception_handler(Throttled)
def throttled(request, exc):
    return _refusal(request, _("Too many requests from this token: wait as Retry-After says, then go on."), 429)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _refusal(request, str(exc), exc.status_code)


@login_not_required  # the token authenticates, not a session
def unknown(request):
    return JsonResponse({"detail": _(NOTHING_HERE)}, status=404)


def urls():
    """The API's URL patterns, for newsroom.urls: the endpoints are open to requests without a session
    (LoginRequired would send them to the login page) and authenticate the token themselves."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":  # ninja's, naming where the API is: nothing to read there
            pattern.callback = unknown
        elif pattern.name != "openapi-json":  # the description of the API: for those logged in, as every page
            pattern.callback.login_required = False
    return patterns, app_name, namespace
