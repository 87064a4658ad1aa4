from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from annotations import downloads
from annotations.models import Annotation
from annotations.rendering import annotation_regions
from annotations.undoing import undoable
from articles import presence, services
from articles.forms import ArticleForm, ArticleListForm
from articles.models import Article
from newsroom.http import bad_parameters, wants_fragment
from suggestions.views import panel_context

ARTICLES_PER_PAGE = 50
DETAIL = "articles/article_detail.html"
# Filters by what an article's annotations say: theirs to use who may read annotations.
ANNOTATION_FILTERS = ("has", "entity", "verdict")


@require_GET
@permission_required("articles.view_article", raise_exception=True)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def article_list(request):
    form = ArticleListForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    filters = form.cleaned_data
    if any(filters[name] for name in ANNOTATION_FILTERS) and not request.user.has_perm("annotations.view_annotation"):
        raise PermissionDenied(_("You may not read annotations."))
    # Per status, of what the other filters select: the progress, and the paginator's count (so
    # the page costs no COUNT of its own). Selected once: a search's text is read into a query once.
    any_status = listed({**filters, "status": ""})
    counts = any_status.status_counts()
    articles = any_status.filter(status=filters["status"]) if filters["status"] else any_status
    articles = _sorted(articles.with_annotation_counts().defer("body", "search_vector"), filters)
    paginator = Paginator(articles, ARTICLES_PER_PAGE)
    paginator.count = counts[filters["status"]] if filters["status"] else sum(counts.values())
    page = paginator.get_page(filters["page"])
    progress = {
        "counts": [(value, label, counts[value]) for value, label in Article.Status.choices],
        "done": counts[Article.Status.DONE],
        "total": sum(counts.values()),
    }
    filtered = any(filters[name] for name in ArticleListForm.FILTERS)
    template = "articles/article_list.html#article-table" if wants_fragment(request) else "articles/article_list.html"
    return render(request, template, {"form": form, "page": page, "progress": progress, "filtered": filtered})


def _sorted(articles: QuerySet[Article], filters: dict) -> QuerySet[Article]:
    """In the order asked for, ties newest first; relevance needs a search, and is by date without one."""
    sort = filters["sort"]
    if sort == "relevance" and filters["q"]:
        return articles.with_rank(filters["q"]).order_by("-rank", "-published_on", "-id")
    if sort == "annotated":
        return articles.order_by("-annotation_count", "-published_on", "-id")
    if sort == "recent":
        return articles.with_last_annotated().order_by(
            F("last_annotated_at").desc(nulls_last=True), "-published_on", "-id"
        )
    return articles.order_by("-published_on", "-id")


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


def listed(filters: dict) -> QuerySet[Article]:
    """The articles the list's cleaned filters select, in no order: the page and its download share it.
    Each filter is a WHERE of the articles' own row or an EXISTS, so no article is listed twice."""
    articles = Article.objects.published_within(filters["published_from"], filters["published_to"])
    if query := filters["q"]:
        articles = articles.search(query)
    if status := filters["status"]:
        articles = articles.filter(status=status)
    if kind := filters["has"]:
        articles = articles.with_annotations(kind=kind)
    if entity := filters["entity"]:
        articles = articles.with_annotations(entity_id=entity.pk)
    if verdict := filters["verdict"]:
        articles = articles.with_annotations(kind=Annotation.Kind.CLAIM, verdict=verdict)
    if batch := filters["batch"]:
        articles = articles.imported_in(batch.pk)
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
