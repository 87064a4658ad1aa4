from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from articles.forms import ArticleForm, ArticleSearchForm
from articles.models import Article
from articles.rendering import annotation_item, kinds_in, render_body, shown_annotations

ARTICLES_PER_PAGE = 50


def article_list(request):
    form = ArticleSearchForm(request.GET)
    articles = Article.objects.with_annotation_counts().defer("body", "search_vector").order_by("-published_on", "-id")
    if form.is_valid():
        if form.cleaned_data["q"]:
            articles = articles.search(form.cleaned_data["q"])
        if form.cleaned_data["status"]:
            articles = articles.filter(status=form.cleaned_data["status"])
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    template = "articles/article_list.html#article-table" if request.htmx else "articles/article_list.html"
    return render(request, template, {"form": form, "page": page})


def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
    return render(request, "articles/article_detail.html", _detail_context(article))


@require_POST
@permission_required("articles.change_article", raise_exception=True)
def article_edit(request, pk: int):
    """Title and editorial status: the parts of an article an editor may change."""
    article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
    form = ArticleForm(request.POST, instance=article)
    if form.is_valid():
        form.save()
        if not request.htmx:
            return redirect(article)
    else:
        article.refresh_from_db(fields=["title", "status"])  # show what is stored, beside the errors
    if not form.is_valid() and not request.htmx:
        return render(request, "articles/article_detail.html", _detail_context(article, form), status=400)
    return render(
        request,
        "articles/article_detail.html#article-header",
        {"article": article, "form": form},
        status=200 if form.is_valid() else 400,
    )


def _detail_context(article: Article, form: ArticleForm | None = None) -> dict:
    annotations = shown_annotations(article.annotations.all())
    return {
        "article": article,
        "form": form or ArticleForm(instance=article),
        "paragraphs": render_body(article.body, annotations),
        "annotations": annotations,
        "annotation_items": mark_safe("".join(annotation_item(annotation) for annotation in annotations)),
        "counts": kinds_in(annotations),
        "total": len(annotations),
    }
