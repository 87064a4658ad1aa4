from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.models import Article
from history import queries
from history.forms import ActivityFilterForm
from newsroom.http import bad_parameters

PER_PAGE = 50


@require_GET
@permission_required("history.view_activity", raise_exception=True)
def activity(request):
    """Everyone's changes, for Admins: by person, kind of object, kind of change and date."""
    form = ActivityFilterForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    data = form.cleaned_data
    rows = queries.activity(
        user_id=data["person"].pk if data["person"] else None,
        model=data["kind"],
        action=data["action"],
        since=data["since"],
        until=data["until"],
    )
    page = Paginator(rows, PER_PAGE).get_page(data["page"])
    return render(
        request, "history/activity.html", {"form": form, "page": page, "entries": queries.resolve(page.object_list)}
    )


@require_GET
@permission_required("articles.view_article", raise_exception=True)
@permission_required("annotations.view_annotation", raise_exception=True)
def article_activity(request, pk: int):
    article = get_object_or_404(Article.objects.only("id", "title"), pk=pk)
    return render(
        request, "history/article_activity.html", {"article": article, "entries": queries.article_history(pk)}
    )
