"""Suggestions on the article page: suggest now, accept (as proposed or edited), reject, accept all of a kind.

Each POST answers an htmx request with the suggestions panel as it is now and, when annotations
were made, the article's text, annotation list and counts out of band (as annotations.views does
after someone else's change); a plain request with a redirect to the article.
"""

from collections import Counter

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from annotations.rendering import annotation_regions
from annotations.undoing import undo_bar
from articles.models import Article
from newsroom.http import bad_parameters, refusal
from suggestions import services
from suggestions.forms import AcceptAllForm, EditForm
from suggestions.models import Suggestion

ANNOTATE = "annotations.add_annotation"
PANEL = "suggestions/panel.html"
EDIT = "suggestions/edit.html"
DETAIL = "articles/article_detail.html"
# What the panel shows of each suggestion.
SHOWN_FIELDS = [
    "pk", "article_id", "kind", "start", "end", "exact", "rule", "confidence", "proposed_name", "proposed_kind",
    "direct", "cue", "source_type", "entity__name", "entity__kind",
]  # fmt: skip


def panel_context(article: Article) -> dict:
    """What the panel shows: the article's pending suggestions in text order and their counts per kind,
    in one query (an article has tens of them, not thousands)."""
    shown = list(
        Suggestion.objects.filter(article_id=article.pk)
        .pending()
        .in_text_order()
        .select_related("entity")
        .only(*SHOWN_FIELDS)
    )
    counts = Counter(suggestion.kind for suggestion in shown)
    return {
        "article": article,
        "suggestions": shown,
        "suggestion_counts": [(value, label, counts[value]) for value, label in Suggestion.Kind.choices],
        "suggestion_total": len(shown),
    }


@require_POST
@permission_required(ANNOTATE, raise_exception=True)
def suggest(request, article_pk: int):
    """Suggest for the article now, against the catalogue as it is."""
    article = get_object_or_404(Article.objects.only("id", "body", "annotation_version"), pk=article_pk)
    services.suggest_for_article(article, by=request.user)
    return _answer(request, article)


@require_POST
@permission_required(ANNOTATE, raise_exception=True)
def accept(request, article_pk: int, pk: int):
    """Accept as proposed, or (with the edit form's fields) as the editor changed it."""
    suggestion, article = _suggestion_for(article_pk, pk)
    changes = None
    if "start" in request.POST:
        form = EditForm(request.POST, suggestion=suggestion, body=article.body)
        if not form.is_valid():
            response = render(request, f"{EDIT}#edit-form", {"form": form, "suggestion": suggestion}, status=422)
            # Back into the form's place, the panel left as it is.
            return reswap(retarget(response, f"#suggestion-{suggestion.pk} .suggestion-edit"), "innerHTML")
        changes = form.changes()
    try:
        services.accept(suggestion, by=request.user, changes=changes)
    except (services.AlreadyDecided, Suggestion.DoesNotExist) as refused:
        return _refused(request, str(refused), article)
    return _answer(request, article, annotated=True)


@require_GET
@permission_required(ANNOTATE, raise_exception=True)
def edit(request, article_pk: int, pk: int):
    """The suggestion in a small form, to change before accepting."""
    suggestion, article = _suggestion_for(article_pk, pk)
    if suggestion.status != Suggestion.Status.PENDING:
        return refusal(request, _("This suggestion was decided already."), status=409)
    form = EditForm(suggestion=suggestion, body=article.body)
    template = f"{EDIT}#edit-form" if request.htmx else EDIT
    return render(request, template, {"form": form, "suggestion": suggestion, "article": article})


@require_POST
@permission_required(ANNOTATE, raise_exception=True)
def reject(request, article_pk: int, pk: int):
    suggestion, article = _suggestion_for(article_pk, pk)
    try:
        services.reject(suggestion, by=request.user)
    except (services.AlreadyDecided, Suggestion.DoesNotExist) as refused:
        return _refused(request, str(refused), article)
    return _answer(request, article)


@require_POST
@permission_required(ANNOTATE, raise_exception=True)
def accept_all(request, article_pk: int):
    """Accept every pending suggestion of one kind."""
    article = get_object_or_404(Article.objects.only("id", "body", "annotation_version"), pk=article_pk)
    form = AcceptAllForm(request.POST)
    if not form.is_valid():
        return bad_parameters(form)
    try:
        services.accept_all(article, form.cleaned_data["kind"], by=request.user)
    except (services.AlreadyDecided, Suggestion.DoesNotExist) as refused:
        return _refused(request, str(refused), article)
    return _answer(request, article, annotated=True)


def _suggestion_for(article_pk: int, pk: int) -> tuple[Suggestion, Article]:
    """The suggestion, if it is one of this article's (else 404), and its article."""
    suggestion = get_object_or_404(Suggestion.objects.select_related("entity"), pk=pk, article_id=article_pk)
    article = Article.objects.only("id", "body", "annotation_version").get(pk=article_pk)
    return suggestion, article


def _answer(request, article: Article, *, annotated: bool = False) -> HttpResponse:
    if not request.htmx:
        return redirect(article)
    fragments = [render_to_string(PANEL, panel_context(article), request)]
    # The annotations made, for who may read them (every role that annotates may).
    if annotated and request.user.has_perm("annotations.view_annotation"):
        article.refresh_from_db(fields=["annotation_version"])
        regions = {**annotation_regions(article), "oob": True}
        fragments.append(render_to_string(f"{DETAIL}#annotation-regions", regions, request))
        fragments.append(undo_bar(request, article))
    return HttpResponse("".join(fragments))


def _refused(request, message: str, article: Article) -> HttpResponse:
    """409 with the panel as it is now (what was decided meanwhile is gone from it), and the message."""
    if not request.htmx:
        return refusal(request, message, status=409)
    context = {**panel_context(article), "refusal": message}
    return HttpResponse(render_to_string(PANEL, context, request), status=409)
