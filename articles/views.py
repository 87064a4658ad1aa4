import contextlib
import math

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.postgres.search import SearchRank
from django.core.exceptions import PermissionDenied
from django.db.models import Choices, F, FloatField, QuerySet
from django.db.models.functions import Cast
from django.http import HttpResponse, HttpResponseNotFound, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from annotations import downloads
from annotations.models import Annotation, AnnotationKind, Verdict
from annotations.rendering import annotation_regions
from annotations.undoing import undoable
from articles import paging, presence, searching, services
from articles.forms import ArticleForm, ArticleListForm
from articles.listing import article_rows
from articles.models import COUNT_FIELDS, Article, ArticleTally, ArticleTallyManager
from newsroom import counting
from newsroom.http import bad_parameters, wants_fragment
from newsroom.postgres import planned_without
from suggestions.views import panel_context

ARTICLES_PER_PAGE = 50
# The relevance order ranks the newest this many matches (the list says so when there are more).
# No fewer than the list counts: the list says "the 1000 newest of more than 1000" only when it
# did not count them all (article_list).
RANKED_MATCHES = 1000
assert RANKED_MATCHES >= counting.MOST_COUNTED
UNREAD = "unread"  # listed()'s search not read into a query yet
DETAIL = "articles/article_detail.html"
# Filters by what an article's annotations say: theirs to use who may read annotations.
ANNOTATION_FILTERS = ("has", "entity", "verdict")
# The filters the list counts per value (list_counts), and those the counts' index cannot answer.
FACETS = ("status", "has", "verdict")
UNINDEXED_FILTERS = ("q", "entity", "batch")
# What a row of the list shows (articles.listing) and the orders' keys read (articles.paging),
# besides its id: only these are read, not the text, its vector, the verdicts' array nor the rest.
LISTED_FIELDS = ("title", "published_on", "date_precision", "status", *COUNT_FIELDS.values(),
                 "annotation_count", "last_annotated_at")  # fmt: skip


@require_GET
@permission_required("articles.view_article", raise_exception=True)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def article_list(request):
    form = ArticleListForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    filters = form.cleaned_data
    may_read_annotations = request.user.has_perm("annotations.view_annotation")
    if any(filters[name] for name in ANNOTATION_FILTERS) and not may_read_annotations:
        raise PermissionDenied(_("You may not read annotations."))
    # A search's text is read into a query once (it may look up the entity catalogue).
    query = searching.article_query(filters["q"]) if filters["q"] else None
    articles, counts, total, by_ids = _listed_and_counted(filters, query)
    order = form.order
    if order == "relevance":
        # Ranking reads each match's whole vector: only the newest matches are ranked, so that a
        # word most articles have costs a bounded time, on the first page as on any.
        # Their ids first, in a query of their own: as a subquery, the planner ranks every match.
        newest = articles.newest_ids(RANKED_MATCHES)
        articles = Article.objects.filter(pk__any_of=newest)
        rank = SearchRank(F("search_vector"), query.tsquery, cover_density=True)
        articles = articles.annotate(rank=Cast(rank, FloatField()))  # float8: read back as compared (paging)
    listed_total = RANKED_MATCHES if total is None else total
    if order == "relevance":
        listed_total = min(listed_total, RANKED_MATCHES)
    number = filters["page"] or 1
    # Not known past the bound (None), unless only the newest matches are listed.
    pages = None if total is None and order != "relevance" else max(1, math.ceil(listed_total / ARTICLES_PER_PAGE))
    cursor = filters["after"] or filters["before"]
    if not cursor:
        # An old address's page number past the end: the last page. Past what was counted, the
        # last page counted (an OFFSET further would read every match; "Older →" goes on by keys).
        number = min(number, pages if pages is not None else math.ceil(counting.MOST_COUNTED / ARTICLES_PER_PAGE))
    # Each row a named tuple of what the list shows and pages by, rather than an Article: making
    # the page's 51 model instances took a tenth of its time.
    fields = ["pk", *LISTED_FIELDS, *(["rank"] if order == "relevance" else [])]
    # By their ids, a page is sorted from them: PostgreSQL would walk the order's index to find them.
    with planned_without("indexscan", "seqscan") if by_ids else contextlib.nullcontext():
        found = paging.page(
            articles.values_list(*fields, named=True),
            order,
            after=filters["after"],
            before=filters["before"],
            skip=0 if cursor else (number - 1) * ARTICLES_PER_PAGE,
            size=ARTICLES_PER_PAGE,
        )
    if filters["before"] and not found.has_previous:
        number = 1  # back at the start
    found.number, found.total = number, total
    found.pages = None if pages is None else max(pages, number)
    context = {
        "form": form,
        "page": found,
        "rows": article_rows(found.rows),
        "more_than": counting.MOST_COUNTED,
        "filtered": any(filters[name] for name in ArticleListForm.FILTERS),
        "ranked": RANKED_MATCHES if order == "relevance" and (total is None or total > RANKED_MATCHES) else None,
    }
    if counts is not None:
        context["progress"] = {
            "counts": _facet(request.GET, "status", Article.Status, counts["status"], filters["status"]),
            "done": counts["status"][Article.Status.DONE],
            "total": sum(counts["status"].values()),
        }
    if may_read_annotations:
        # Without counts (a broad search), each value is still offered, uncounted.
        kinds, verdicts = (None, None) if counts is None else (counts["kind"], counts["verdict"])
        context["kinds"] = _facet(request.GET, "has", AnnotationKind, kinds, filters["has"])
        context["verdicts"] = _facet(request.GET, "verdict", Verdict, verdicts, filters["verdict"])
    fragment = wants_fragment(request)
    template = "articles/article_list.html#article-table" if fragment else "articles/article_list.html"
    return render(request, template, {**context, "fragment": fragment})


def _facet(query: QueryDict, name: str, choices: type[Choices], counts: dict | None, chosen: str) -> list[tuple]:
    """The links of filter ``name``'s values: each value, its label, its count (None: not counted),
    its link, and whether it is the value chosen.

    Each link is the list's address with that value, from its first page: what
    ``{% querystring name=value page=None after=None before=None %}`` writes, the other parameters
    copied once rather than once per value (14 links on every page)."""
    base = query.copy()
    for place in ("page", "after", "before"):
        base.pop(place, None)
    facet = []
    for value, label in choices.choices:
        base[name] = value
        facet.append((value, label, None if counts is None else counts[value], f"?{base.urlencode()}", value == chosen))
    return facet


def _listed_and_counted(
    filters: dict, query: searching.ArticleQuery | None
) -> tuple[QuerySet[Article], dict | None, int | None, bool]:
    """The list's articles; its counts per status, kind of annotation and verdict, of what the
    other filters select (the progress, the filters' counts) or None; its total, or None when
    more than counting.MOST_COUNTED; and whether the articles are chosen by their ids.

    Counted from the tally of every article (ArticleTally) when only the counted filters are
    chosen; with a date range too, in one query over the articles' rows (article_list_counts_idx),
    cheap however many articles there are. Unless a search, an entity or an import batch narrows
    the list: then each match's row (and search vector) is read, seconds for a word most articles
    have. So such a list's articles are found first, up to counting.MOST_COUNTED of them, and
    counted per value only when there are no more; they are then listed by their ids, as
    otherwise PostgreSQL, expecting matches all along the order, may walk the order's index
    testing article after article (60 ms for a name in 754 articles of 100,000, against 2 by the ids)."""
    if not any(filters[name] for name in UNINDEXED_FILTERS):
        if filters["published_from"] or filters["published_to"]:
            counted = listed(filters, query=query, leaving_out=FACETS)
        else:
            counted = ArticleTally.objects  # every article: their tally has the counts
        return listed(filters, query=query), *_counts_and_total(counted, filters), False
    counted = listed(filters, query=query, leaving_out=FACETS)
    most = counting.MOST_COUNTED
    if filters["q"]:
        matches = counted.found_ids(most + 1)
    else:
        matches = list(counted.order_by().values_list("pk", flat=True)[: most + 1])
    if len(matches) <= most:
        by_ids = Article.objects.filter(pk__any_of=matches)
        return _faceted(by_ids, filters), *_counts_and_total(by_ids, filters), True
    # The list's own total when a value is chosen, again up to the bound.
    total = len(matches)
    if any(filters[name] for name in FACETS):
        total = len(listed(filters, query=query).found_ids(most + 1))
    return listed(filters, query=query), None, None if total > most else total, False


def _counts_and_total(counted: QuerySet[Article] | ArticleTallyManager, filters: dict) -> tuple[dict, int]:
    """The counts per value of ``counted`` (the list without its FACETS, or the tally of every
    article) and the list's total."""
    counts = counted.list_counts(status=filters["status"], kind=filters["has"], verdict=filters["verdict"])
    return counts, counts["status"][filters["status"]] if filters["status"] else sum(counts["status"].values())


@require_POST
@permission_required("articles.change_article", raise_exception=True)
def article_next(request):
    """The editorial queue's "Next article": to the oldest new article no one else has open."""
    article = services.take_next_article(by=request.user)
    if article is None:
        messages.info(request, _("No new article is waiting: the others are taken or done."))
        return redirect("articles:list")
    return redirect(article)


@require_GET
@permission_required(["articles.view_article", downloads.READ_ANNOTATIONS], raise_exception=True)
def article_list_download(request):
    """The annotations of every article the list's search and status select (its download menu)."""
    form = ArticleListForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    articles = listed(form.cleaned_data)
    annotations = Annotation.objects.filter(article__in=articles)
    return downloads.download(request, scope="articles", articles=articles, annotations=annotations)


def listed(filters: dict, *, query: searching.ArticleQuery | str | None = UNREAD, leaving_out=()) -> QuerySet[Article]:
    """The articles the list's cleaned filters select, in no order: the page and its download share it.
    Each filter is a WHERE of the articles' own row or an EXISTS, so no article is listed twice.
    ``query`` is the search's ArticleQuery when already read from the text; filters ``leaving_out`` are not
    applied."""
    filters = {**filters, **dict.fromkeys(leaving_out)}
    articles = Article.objects.published_within(filters["published_from"], filters["published_to"])
    if text := filters["q"]:
        query = searching.article_query(text) if query is UNREAD else query
        articles = articles.none() if query is None else articles.filter(query.condition)
    if entity := filters["entity"]:
        articles = articles.with_annotations(entity_id=entity.pk)
    if batch := filters["batch"]:
        articles = articles.imported_in(batch.pk)
    return _faceted(articles, filters)


def _faceted(articles: QuerySet[Article], filters: dict) -> QuerySet[Article]:
    """The articles narrowed by the FACETS chosen: conditions on their own rows."""
    if status := filters["status"]:
        articles = articles.filter(status=status)
    if kind := filters["has"]:
        articles = articles.having(kind)
    if verdict := filters["verdict"]:
        articles = articles.with_verdict(verdict)
    return articles


@require_GET
@permission_required("articles.view_article", raise_exception=True)
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
    return render(request, DETAIL, _detail_context(article, user=request.user))


@require_GET
@permission_required(["articles.view_article", downloads.READ_ANNOTATIONS], raise_exception=True)
def article_download(request, pk: int):
    """The article's annotations (its page's download menu)."""
    article = get_object_or_404(Article.objects.only("pk"), pk=pk)
    articles = Article.objects.filter(pk=article.pk)
    return downloads.download(
        request, scope=f"article-{article.pk}", articles=articles, annotations=article.annotations.all()
    )


@require_POST
@permission_required("articles.change_article", raise_exception=True)
def article_edit(request, pk: int):
    """Title and editorial status: the parts of an article an editor may change."""
    article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
    form = ArticleForm(request.POST)
    if form.is_valid():
        services.update_article(article, by=request.user, **form.cleaned_data)
        if not request.htmx:
            return redirect(article)
        return render(request, f"{DETAIL}#article-header", {"article": article, "form": _article_form(article)})
    # What is stored stays on show, beside the errors.
    if request.htmx:
        return render(request, f"{DETAIL}#article-header", {"article": article, "form": form}, status=422)
    return render(request, DETAIL, _detail_context(article, form, user=request.user), status=422)


@require_GET
@permission_required("articles.view_article", raise_exception=True)
@permission_required("annotations.view_annotation", raise_exception=True)
def article_fresh(request, pk: int):
    """The open page's check, every few seconds: 204 when its annotations and the others who have it
    open are as it shows them; else the text, the list and the counts (when the annotations
    changed) and who else has it open, out of band. Two queries (with the session's and user's)."""
    checked = presence.check(pk, request.user.pk)
    if checked is None:
        return HttpResponseNotFound()
    version, others = checked
    changed = request.GET.get("revision") != str(version)
    if not changed and request.GET.get("present", "") == ",".join(others):
        return HttpResponse(status=204)
    fragments = []
    if changed:
        article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
        regions = {**annotation_regions(article), "oob": True}
        fragments.append(render_to_string(f"{DETAIL}#annotation-regions", regions, request))
    fragments.append(render_to_string(f"{DETAIL}#presence", {"others": others, "oob": True}, request))
    return HttpResponse("".join(fragments))


def _detail_context(article: Article, form: ArticleForm | None = None, *, user) -> dict:
    # The text for whoever may read articles; its annotations only for those who may read them.
    visible = user.has_perm("annotations.view_annotation")
    return {
        "article": article,
        "others": presence.others(article.pk, user.pk) if visible else [],
        "form": form or _article_form(article),
        "undoable": undoable(user, article.pk),
        **annotation_regions(article, visible=visible),
        **(panel_context(article) if user.has_perm("annotations.add_annotation") else {}),
    }


def _article_form(article: Article) -> ArticleForm:
    return ArticleForm(initial={"title": article.title, "status": article.status})
