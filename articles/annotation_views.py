"""Annotating an article in place: htmx requests in, the fragments that changed out.

A create or delete answers with the paragraphs whose highlights changed, the annotation
list entry and the counts, as out-of-band swaps; never the whole page.
"""

from typing import NamedTuple

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.forms import AnnotationForm, NewAnnotationForm
from articles.models import Annotation, Article, Entity
from articles.rendering import annotation_item, kinds_in, paragraphs_around, render_body

DETAIL = "articles/article_detail.html"
EDITOR = "articles/annotation_editor.html"

# Which kinds of entity the editor may create on the spot, per kind of annotation.
NEW_ENTITY_KINDS = {
    Annotation.Kind.QUOTE: [Entity.Kind.PERSON, Entity.Kind.ORGANISATION],
    Annotation.Kind.CLAIM: [Entity.Kind.PERSON, Entity.Kind.ORGANISATION],
    Annotation.Kind.SOURCE: [Entity.Kind.ORGANISATION, Entity.Kind.PERSON],
    Annotation.Kind.ENTITY: [Entity.Kind.PERSON, Entity.Kind.ORGANISATION, Entity.Kind.PLACE, Entity.Kind.OTHER],
}
SUGGESTIONS = 6


@require_POST
@permission_required("articles.add_annotation", raise_exception=True)
def annotation_create(request, article_pk: int):
    article = get_object_or_404(Article.objects.only("id", "body"), pk=article_pk)
    form = NewAnnotationForm(request.POST, article=article)
    if not form.is_valid():
        return HttpResponseBadRequest(_first_error(form), content_type="text/plain; charset=utf-8")
    annotation, entity_name = form.new_annotation(request.user)
    annotation.save()
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}#annotation-{annotation.pk}")
    editor = _render_editor(request, AnnotationForm(instance=annotation), suggested_entity=entity_name)
    return HttpResponse(editor + _changed_text(request, article, annotation, inserted=True), status=201)


@require_http_methods(["GET", "POST"])
def annotation_edit(request, pk: int):
    """GET: the editor (read-only for someone else's annotation). POST: save it."""
    if request.method == "GET":
        annotation = _annotation_for(request, pk, lambda _, user: user.has_perm("articles.view_annotation"))
        return HttpResponse(_render_editor(request, AnnotationForm(instance=annotation)))
    annotation = _annotation_for(request, pk, Annotation.changeable_by)
    form = AnnotationForm(request.POST, instance=annotation)
    if not form.is_valid():
        return HttpResponse(_render_editor(request, form), status=422)
    annotation = form.save()
    if not request.htmx:
        return redirect(f"{annotation.article.get_absolute_url()}#annotation-{annotation.pk}")
    # The editor closes; the list entry shows what was saved.
    return HttpResponse(annotation_item(annotation, oob=True))


@require_POST
def annotation_delete(request, pk: int):
    annotation = _annotation_for(request, pk, Annotation.deletable_by)
    article = annotation.article
    annotation.delete()
    if not request.htmx:
        return redirect(article)
    removed = f'<li id="annotation-{pk}" hx-swap-oob="delete"></li>'
    return HttpResponse(removed + _changed_text(request, article, annotation, inserted=False))


@require_GET
@permission_required("articles.view_entity", raise_exception=True)
def entity_suggestions(request):
    """Options for the entity field of an annotation: matches, then "create …" choices."""
    query = " ".join(request.GET.get("entity_query", "").split())[:200]
    kind = request.GET.get("kind")
    if kind not in NEW_ENTITY_KINDS:
        return HttpResponseBadRequest("Unknown kind of annotation.", content_type="text/plain; charset=utf-8")
    matches = list(Entity.objects.matching(query)[:SUGGESTIONS]) if query else []
    can_create = query and request.user.has_perm("articles.add_entity")
    exact = any(match.exact for match in matches)
    return HttpResponse(
        render_to_string(
            f"{EDITOR}#entity-options",
            {
                "matches": matches,
                "query": query,
                "new_kinds": NEW_ENTITY_KINDS[kind] if can_create and not exact else [],
            },
            request,
        )
    )


def _annotation_for(request, pk: int, allowed) -> Annotation:
    """The annotation, if it exists (else 404) and this user may do this to it (else 403)."""
    annotation = get_object_or_404(
        Annotation.objects.select_related("entity", "author", "article").defer(
            "article__body", "article__search_vector"
        ),
        pk=pk,
    )
    if not allowed(annotation, request.user):
        raise PermissionDenied("Only its author or an admin may change this annotation.")
    return annotation


def _render_editor(request, form: AnnotationForm, *, suggested_entity: str = "") -> str:
    annotation = form.instance
    if suggested_entity and not form.is_bound and not annotation.entity_id:
        form.initial["entity_query"] = suggested_entity
    return render_to_string(
        f"{EDITOR}#editor",
        {
            "form": form,
            "annotation": annotation,
            "kind_fields": AnnotationForm.FIELDS_BY_KIND[annotation.kind],
            "editable": annotation.changeable_by(request.user),
            "can_delete": annotation.deletable_by(request.user),
        },
        request,
    )


def _changed_text(request, article: Article, annotation: Annotation, *, inserted: bool) -> str:
    """Out-of-band fragments: the re-rendered paragraphs, the new list entry, the counts.

    One query for all the article's spans answers all three; this runs on every create.
    """
    spans = [Span(*row) for row in article.annotations.order_by("start", "-end", "pk").values_list(*Span._fields)]
    around = paragraphs_around(article.body, annotation.start, annotation.end)
    overlapping = [span for span in spans if span.start < around[1] and span.end > around[0]]
    fragments = [paragraph.as_html(oob=True) for paragraph in render_body(article.body, overlapping, within=around)]
    if inserted:
        following = next((span.pk for span in spans if _in_text_order(annotation, span)), None)
        place = f"beforebegin:#annotation-{following}" if following else "beforeend:#annotation-list"
        fragments.append(f'<ol hx-swap-oob="{place}">{annotation_item(annotation)}</ol>')
    fragments.append(_render("annotation-summary", counts=kinds_in(spans), total=len(spans), oob="true"))
    return "".join(fragments)


class Span(NamedTuple):
    pk: int
    start: int
    end: int
    kind: str


def _in_text_order(first, then) -> bool:
    """Whether ``then`` comes after ``first`` in the list: by start, the longer first, then by id."""
    return (first.start, -first.end, first.pk) < (then.start, -then.end, then.pk)


def _render(partial: str, **context) -> str:
    """A fragment of the article page that depends on nothing of the request (no context processors)."""
    return render_to_string(f"{DETAIL}#{partial}", context)


def _first_error(form) -> str:
    field, errors = next(iter(form.errors.items()))
    return errors[0] if field == "__all__" else f"{field}: {errors[0]}"
