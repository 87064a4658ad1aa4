"""Annotating an article in place: htmx requests in, the regions of the page that changed out.

A create, change or delete answers with what changed on the article page (the paragraphs
whose highlights changed, the list entry, the counts) as out-of-band swaps. The page sends
the revision of the annotations it shows; when someone else has changed them since, the
answer replaces the text, the list and the counts whole, so the page never contradicts itself.
Without htmx, each answers with a redirect to the article.
"""

import datetime
from enum import StrEnum
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from annotations import services
from annotations.forms import AnnotationForm, AnnotationImportForm, DeleteForm, SelectionForm
from annotations.importing import FileRefused, import_annotations
from annotations.models import DETAILS_BY_KIND, Annotation, spans_and_version, text_order
from annotations.rendering import annotation_item, annotation_regions, kinds_in, paragraphs_around, render_body
from annotations.undoing import undo_bar
from articles.models import Article
from entities.models import Entity
from history.models import AnnotationEvent
from history.queries import annotation_history, last_undoable
from history.versions import StaleVersion
from imports.seedfile import size_text
from newsroom.bodies import Allowance, takes_large_bodies
from newsroom.http import bad_parameters, first_error, refusal

DETAIL = "articles/article_detail.html"
EDITOR = "annotations/editor.html"

# Which kinds of entity the editor may create on the spot, per kind of annotation.
NEW_ENTITY_KINDS = {
    Annotation.Kind.QUOTE: [Entity.Kind.PERSON, Entity.Kind.ORGANISATION],
    Annotation.Kind.CLAIM: [Entity.Kind.PERSON, Entity.Kind.ORGANISATION],
    Annotation.Kind.SOURCE: [Entity.Kind.ORGANISATION, Entity.Kind.PERSON],
    Annotation.Kind.ENTITY: [Entity.Kind.PERSON, Entity.Kind.ORGANISATION, Entity.Kind.PLACE, Entity.Kind.OTHER],
}


class Change(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"


@require_POST
@permission_required("annotations.add_annotation", raise_exception=True)
def annotation_create(request, article_pk: int):
    article = get_object_or_404(Article.objects.only("id", "body"), pk=article_pk)
    form = SelectionForm(request.POST, article=article)
    if not form.is_valid():
        # Swapped into the annotator, which shows the message and lets the editor try again.
        return HttpResponse(format_html('<p class="error" data-error>{}</p>', first_error(form)), status=422)
    data = form.cleaned_data
    try:
        annotation, entity_name, created = services.create_annotation(
            article=article, kind=data["kind"], start=data["start"], end=data["end"], by=request.user
        )
    except Article.DoesNotExist as gone:
        return HttpResponseNotFound(str(gone), content_type="text/plain; charset=utf-8")
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}#annotation-{annotation.pk}")
    editor = _render_editor(request, AnnotationForm(annotation=annotation), suggested_entity=entity_name)
    if not created:
        # Sent again (a key pressed twice, a retry after a lost answer): the one stored opens,
        # and the page gets the annotations as they are, whatever it showed.
        article.refresh_from_db(fields=["annotation_version"])
        return HttpResponse(editor + _whole_annotation_regions(article))
    return HttpResponse(editor + _page_updates(request, article, annotation, Change.CREATED), status=201)


@require_http_methods(["GET", "POST"])
def annotation_edit(request, pk: int):
    """GET: the editor (read-only for someone else's annotation). POST: save it."""
    if request.method == "GET":
        annotation = _annotation_for(
            request,
            pk,
            lambda _, user: user.has_perm("annotations.view_annotation"),
            refusal=_("You may not read annotations."),
        )
        return HttpResponse(_render_editor(request, AnnotationForm(annotation=annotation), history=True))
    annotation = _annotation_for(request, pk, Annotation.changeable_by)
    form = AnnotationForm(request.POST, annotation=annotation)
    if not form.is_valid():
        return HttpResponse(_render_editor(request, form), status=422)
    try:
        annotation = services.update_annotation(annotation, by=request.user, **form.changes())
    except Annotation.DoesNotExist as gone:
        return HttpResponseNotFound(str(gone), content_type="text/plain; charset=utf-8")
    except StaleVersion as stale:
        return _conflict(request, annotation, stale, request.POST)
    if not request.htmx:
        return redirect(f"{annotation.article.get_absolute_url()}#annotation-{annotation.pk}")
    # The editor closes; the list entry shows what was saved.
    return HttpResponse(_page_updates(request, annotation.article, annotation, Change.CHANGED))


@require_POST
def annotation_delete(request, pk: int):
    annotation = _annotation_for(request, pk, Annotation.deletable_by)
    article = annotation.article
    form = DeleteForm(request.POST)
    if not form.is_valid():
        return bad_parameters(form)
    try:
        services.delete_annotation(annotation, by=request.user, version=form.cleaned_data["version"])
    except Annotation.DoesNotExist as gone:
        return HttpResponseNotFound(str(gone), content_type="text/plain; charset=utf-8")
    except StaleVersion as stale:
        return _conflict(request, annotation, stale)
    if not request.htmx:
        return redirect(article)
    annotation.pk = pk  # delete() clears it; the page still knows the annotation by it
    return HttpResponse(_page_updates(request, article, annotation, Change.DELETED))


@require_POST
@permission_required("annotations.add_annotation", raise_exception=True)
def annotation_undo(request, article_pk: int):
    """Undo this editor's last change to the article's annotations (the one the page offered)."""
    article = get_object_or_404(Article.objects.only("id", "body", "annotation_version"), pk=article_pk)
    event = last_undoable(request.user, article.pk, within=datetime.timedelta(seconds=settings.UNDO_SECONDS))
    if event is None or str(event.pgh_id) != request.POST.get("event"):
        return _refused(request, _("Nothing to undo: it was undone already, or too long ago."), article)
    try:
        annotation = services.undo(event, by=request.user)
    except (services.CannotUndo, StaleVersion) as refused:
        return _refused(request, str(refused), article)
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}#annotation-{annotation.pk}" if annotation else article)
    article.refresh_from_db(fields=["annotation_version"])
    return HttpResponse(_whole_annotation_regions(article) + undo_bar(request, article))


@require_POST
@permission_required("annotations.moderate_annotation", raise_exception=True)
def annotation_restore(request, event_pk: int):
    """An Admin brings a deleted annotation back from its history, exactly as it was."""
    event = get_object_or_404(AnnotationEvent, pk=event_pk)
    try:
        annotation = services.restore_annotation(event, by=request.user)
    except services.CannotUndo as refusal:
        return HttpResponse(str(refusal), status=409, content_type="text/plain; charset=utf-8")
    return redirect(f"{annotation.article.get_absolute_url()}#annotation-{annotation.pk}")


def _refused(request, message: str, article: Article) -> HttpResponse:
    """409 as the annotator shows a refusal: its message, and the undo bar as it is now; a plain
    form (the undo bar works without htmx) gets the message on a page of its own."""
    if not request.htmx:
        return refusal(request, message, status=409)
    return HttpResponse(
        format_html('<p class="error" data-error>{}</p>', message) + undo_bar(request, article), status=409
    )


def _conflict(request, annotation: Annotation, stale: StaleVersion, submitted=None) -> HttpResponse:
    """409: the editor again, saying what the other person changed, with what this editor submitted
    (or the annotation as it is now) and the current version, so that saving again overwrites
    their change on purpose; "Reload" takes theirs."""
    annotation.refresh_from_db()
    if submitted is not None:
        data = submitted.copy()
        data["version"] = str(stale.current)
        form = AnnotationForm(data, annotation=annotation)
        form.is_valid()
    else:
        form = AnnotationForm(annotation=annotation)
    return HttpResponse(_render_editor(request, form, conflict=stale), status=409)


def _annotation_for(request, pk: int, allowed, *, refusal: str = "") -> Annotation:
    """The annotation, if it exists (else 404) and this user may do this to it (else 403)."""
    annotation = get_object_or_404(
        Annotation.objects.select_related("entity", "author", "article").defer(
            "article__body", "article__search_vector"
        ),
        pk=pk,
    )
    if not allowed(annotation, request.user):
        raise PermissionDenied(refusal or _("Only its author or an admin may change this annotation."))
    return annotation


def _render_editor(
    request, form: AnnotationForm, *, suggested_entity: str = "", history: bool = False, conflict=None
) -> str:
    """The editor; with ``history``, what happened to the annotation below it (not for one just made)."""
    annotation = form.annotation
    if suggested_entity and not form.is_bound and not annotation.entity_id:
        form.initial["entity_query"] = suggested_entity
    return render_to_string(
        f"{EDITOR}#editor",
        {
            "form": form,
            "annotation": annotation,
            "kind_fields": DETAILS_BY_KIND[annotation.kind],
            "lookup_url": _lookup_url(annotation.kind),
            "editable": annotation.changeable_by(request.user),
            "can_delete": annotation.deletable_by(request.user),
            "history": annotation_history(annotation.pk) if history else [],
            "conflict": conflict,
        },
        request,
    )


def _lookup_url(kind: str) -> str:
    """Where the entity field finds its options, offering to create the kinds that fit this annotation."""
    return (
        reverse("entities:lookup")
        + "?"
        + urlencode([("create", entity_kind) for entity_kind in NEW_ENTITY_KINDS[kind]])
    )


class Span(NamedTuple):
    """What a change's answer needs of each of the article's annotations."""

    pk: int
    start: int
    end: int
    kind: str
    verdict: str  # a claim's highlight is tinted by it


def _page_updates(request, article: Article, annotation: Annotation, change: Change) -> str:
    """Out-of-band fragments that bring the acting editor's page up to date after ``change``.

    One query for the spans of all the article's annotations, and the article's
    annotation_version, answers the usual case; this runs on every create.
    """
    rows, version = spans_and_version(article.pk)
    spans = [Span(*row) for row in rows]
    if version is not None:
        article.annotation_version = version
    else:
        article.refresh_from_db(fields=["annotation_version"])
    # The change raised the version by one (one statement: annotations migration 0002). The
    # page is up to date but for it only if it showed the version before; else someone else
    # changed the annotations too, and the page gets them whole.
    if request.POST.get("revision") != str(article.annotation_version - 1):
        return _whole_annotation_regions(article) + undo_bar(request, article)

    fragments = []
    if change != Change.CHANGED:
        around = paragraphs_around(article.body, annotation.start, annotation.end)
        overlapping = [span for span in spans if span.start < around[1] and span.end > around[0]]
        fragments += [p.as_html(oob=True) for p in render_body(article.body, overlapping, within=around)]
    if change == Change.CREATED:
        following = next((span.pk for span in spans if text_order(span) > text_order(annotation)), None)
        place = f"beforebegin:#annotation-{following}" if following else "beforeend:#annotation-list"
        fragments.append(format_html('<ol hx-swap-oob="{}">{}</ol>', place, annotation_item(annotation)))
    elif change == Change.CHANGED:
        fragments.append(annotation_item(annotation, oob=True))
    else:
        fragments.append(format_html('<li id="annotation-{}" hx-swap-oob="delete"></li>', annotation.pk))
    fragments.append(_summary(kinds_in(spans), len(spans), str(article.annotation_version)))
    fragments.append(undo_bar(request, article))
    return "".join(fragments)


def _whole_annotation_regions(article: Article) -> str:
    """The article's text, list and counts as they are now: someone else changed them meanwhile."""
    return render_to_string(f"{DETAIL}#annotation-regions", {**annotation_regions(article), "oob": True})


def _summary(counts: dict[str, int], total: int, current: str) -> str:
    """The counts beside the text, with the revision the page now shows."""
    return render_to_string(
        f"{DETAIL}#annotation-summary", {"counts": counts, "total": total, "revision": current, "oob": True}
    )


IMPORT_PERMISSION = "articles.import_articles"
# The most results of each kind the page lists (a file may hold thousands); the counts are whole.
IMPORT_LISTED = 500


def import_allowance() -> Allowance:
    """An upload of annotations may be larger than other requests, for those who may import."""
    advice = _("Import a larger file on the server with %(command)s.") % {"command": "manage.py import_annotations"}
    return Allowance(settings.ANNOTATION_IMPORT_MAX_BYTES, 1, advice=advice)


@takes_large_bodies(import_allowance, permission=IMPORT_PERMISSION)
@require_http_methods(["GET", "POST"])
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def annotation_import(request):
    """Upload annotations exported from here or elsewhere; the report of what became of each after."""
    if request.method == "GET":
        return _import_page(request, AnnotationImportForm())
    form = AnnotationImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, refusal=next(iter(form.errors.values()))[0], status=400)
    upload = form.cleaned_data["file"]
    try:
        report = import_annotations(upload.read(), by=request.user, dry_run=form.cleaned_data["dry_run"])
    except FileRefused as refusal:
        return _import_page(request, form, refusal=f"{upload.name}: {refusal}", status=400)
    return _import_page(request, AnnotationImportForm(), report=report, file_name=upload.name)


def _import_page(request, form, *, refusal: str = "", status: int = 200, **context):
    context |= {
        "form": form,
        "refusal": refusal,
        "limit": size_text(settings.ANNOTATION_IMPORT_MAX_BYTES),
        "listed": IMPORT_LISTED,
    }
    return render(request, "annotations/import.html", context, status=status)
