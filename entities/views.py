"""The entity catalogue: the list, an entity's page with all the newsroom has on it, editing in
place, and merging a duplicate. Writes go through entities.services."""

from typing import NamedTuple

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from annotations.models import Annotation
from annotations.rendering import SURROUNDING, in_sentences
from entities import services
from entities.forms import AliasForm, EntityForm, EntityListForm, LookupForm, MergeForm, SectionPagesForm
from entities.models import Entity, EntityMerge
from history.queries import entity_history
from history.versions import StaleVersion
from newsroom.http import bad_parameters, first_error, wants_fragment

SUGGESTIONS = 6
ENTITIES_PER_PAGE = 50
ITEMS_PER_SECTION = 20
LIST = "entities/entity_list.html"
DETAIL = "entities/entity_detail.html"
# Each order of the catalogue has its index (Entity.Meta.indexes); the id makes paging stable.
ORDERS = {
    "name": ["name", "id"],
    "mentions": ["-mention_count", "name", "id"],
    "recent": [F("last_annotated_at").desc(nulls_last=True), "name", "id"],
}


class Section(NamedTuple):
    name: str  # also its page's parameter
    kind: str
    count_field: str
    title: str


SECTIONS = [
    Section("quotes", Annotation.Kind.QUOTE, "quote_count", gettext_lazy("Quotes")),
    Section("claims", Annotation.Kind.CLAIM, "claim_count", gettext_lazy("Claims")),
    Section("sources", Annotation.Kind.SOURCE, "source_count", gettext_lazy("Cited as a source")),
    Section("mentions", Annotation.Kind.ENTITY, "mention_count", gettext_lazy("Mentions")),
]


@require_GET
@permission_required("entities.view_entity", raise_exception=True)
def lookup(request):
    """Options for an entity field: matching entities, then "create …" for the kinds asked for."""
    form = LookupForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    query = form.cleaned_data["entity_query"]
    matches = list(Entity.objects.matching(query)[:SUGGESTIONS]) if query else []
    may_create = query and request.user.has_perm("entities.add_entity") and not any(m.exact for m in matches)
    new_kinds = [Entity.Kind(kind) for kind in form.cleaned_data["create"]] if may_create else []
    return render(request, "entities/lookup.html", {"matches": matches, "query": query, "new_kinds": new_kinds})


@require_GET
@permission_required("entities.view_entity", raise_exception=True)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def entity_list(request):
    form = EntityListForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    entities = Entity.objects.defer("spelling_keys", "description")
    if kind := form.cleaned_data["kind"]:
        entities = entities.filter(kind=kind)
    query, order = form.cleaned_data["q"], form.cleaned_data["sort"]
    if query:
        entities = entities.matching(query)  # best match first, unless another order is asked for
    if order or not query:
        entities = entities.order_by(*ORDERS[order or "name"])
    page = Paginator(entities, ENTITIES_PER_PAGE).get_page(form.cleaned_data["page"])
    template = f"{LIST}#entity-table" if wants_fragment(request) else LIST
    return render(request, template, {"form": form, "page": page})


@require_GET
# The page lists annotations and the articles they are in: the permissions of the desks.
@permission_required(
    ["entities.view_entity", "annotations.view_annotation", "articles.view_article"], raise_exception=True
)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def entity_detail(request, pk: int):
    entity = Entity.objects.filter(pk=pk).first()
    if entity is None:
        # A duplicate merged into another: its address leads to the survivor.
        merge = get_object_or_404(EntityMerge, merged_id=pk)
        return redirect(merge.survivor, permanent=True)
    pages = SectionPagesForm(request.GET)
    if not pages.is_valid():
        return bad_parameters(pages)
    chosen = [section for section in SECTIONS if section.name == request.GET.get("section")]
    if wants_fragment(request) and chosen:
        # The next page of one section: only that one is fetched.
        section = chosen[0]
        context = {"entity": entity, "section": _section(entity, section, pages.cleaned_data[section.name])}
        if section.name == "claims":
            context["verdicts"] = _verdicts(entity)
        return render(request, f"{DETAIL}#section", context)
    sections = {section.name: _section(entity, section, pages.cleaned_data[section.name]) for section in SECTIONS}
    return render(request, DETAIL, _detail_context(request, entity, sections=sections))


@require_POST
def entity_edit(request, pk: int):
    entity = _entity_for(request, pk, "entities.change_entity")
    form = EntityForm(request.POST)
    if form.is_valid():
        try:
            entity = services.update_entity(entity, by=request.user, **form.cleaned_data)
        except services.EntityConflict as conflict:
            form.add_error(None, str(conflict))
        except Entity.DoesNotExist:
            return _gone()
        except StaleVersion as stale:
            # What they changed, beside what this editor typed; saving again overwrites on purpose.
            data = request.POST.copy()
            data["version"] = str(stale.current)
            form = EntityForm(data)
            form.is_valid()
            form.add_error(None, str(stale))
            entity.refresh_from_db()
            context = {**_header_context(request, entity, form), "conflict": stale}
            if not request.htmx:
                return render(request, DETAIL, {**_detail_context(request, entity, form=form), **context}, status=409)
            return render(request, f"{DETAIL}#entity-header", context, status=409)
    if form.errors:
        # What is stored stays on show, beside the errors.
        try:
            entity.refresh_from_db()
        except Entity.DoesNotExist:
            return _gone()
        if not request.htmx:
            return render(request, DETAIL, _detail_context(request, entity, form=form), status=422)
        return render(request, f"{DETAIL}#entity-header", _header_context(request, entity, form), status=422)
    if not request.htmx:
        return redirect(entity)
    return render(request, f"{DETAIL}#entity-header", _header_context(request, entity))


@require_POST
def alias_add(request, pk: int):
    entity = _entity_for(request, pk, "entities.change_entity")
    form = AliasForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return HttpResponse(first_error(form), status=422, content_type="text/plain; charset=utf-8")
        return render(request, DETAIL, _detail_context(request, entity, alias_form=form), status=422)
    try:
        entity = services.add_alias(entity, form.cleaned_data["alias"], by=request.user)
    except Entity.DoesNotExist:
        return _gone()
    return _aliases_answer(request, entity)


@require_POST
def alias_remove(request, pk: int):
    entity = _entity_for(request, pk, "entities.change_entity")
    form = AliasForm(request.POST)
    if not form.is_valid():
        return bad_parameters(form)
    try:
        entity = services.remove_alias(entity, form.cleaned_data["alias"], by=request.user)
    except Entity.DoesNotExist:
        return _gone()
    return _aliases_answer(request, entity)


@require_http_methods(["GET", "POST"])
def entity_merge(request, pk: int):
    """GET: find the duplicate, then see what would move. POST: merge it into this entity."""
    survivor = _entity_for(request, pk, "entities.merge_entity")
    form = MergeForm(request.GET if request.method == "GET" else request.POST)
    if not form.is_valid():
        return bad_parameters(form)
    query, duplicate_pk = form.cleaned_data["duplicate_query"], form.cleaned_data["duplicate"]
    duplicate = Entity.objects.filter(pk=duplicate_pk).exclude(pk=survivor.pk).first() if duplicate_pk else None
    if duplicate_pk and duplicate is None:
        return HttpResponse(
            _("That entity does not exist (any more), or it is this one."),
            status=404 if duplicate_pk != survivor.pk else 400,
            content_type="text/plain; charset=utf-8",
        )
    if request.method == "POST":
        if duplicate is None:
            return HttpResponse(
                _("Choose the duplicate to merge."), status=400, content_type="text/plain; charset=utf-8"
            )
        try:
            services.merge_entities(survivor, duplicate, by=request.user)
        except Entity.DoesNotExist as gone:
            return HttpResponse(str(gone), status=409, content_type="text/plain; charset=utf-8")
        # The page reloads whole: counts, sections and spellings all changed. (To the same
        # address plus "#merges" a browser would only scroll, so htmx gets it without.)
        url = survivor.get_absolute_url()
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url + "#merges")
    candidates = (
        list(Entity.objects.matching(query).exclude(pk=survivor.pk)[:SUGGESTIONS]) if query and not duplicate else []
    )
    context = {"entity": survivor, "merge_form": form, "candidates": candidates, "duplicate": duplicate}
    template = f"{DETAIL}#merge-panel" if request.htmx else DETAIL
    if not request.htmx:
        context = _detail_context(request, survivor, merge_context=context)
    return render(request, template, context)


def _gone() -> HttpResponse:
    return HttpResponse(
        _("This entity was deleted or merged meanwhile: nothing was saved."),
        status=404,
        content_type="text/plain; charset=utf-8",
    )


def _entity_for(request, pk: int, permission: str) -> Entity:
    """The entity (else 404), if this user may do this to it (else 403)."""
    if not request.user.has_perm(permission):
        refusal = _("You may not merge entities.") if permission == "entities.merge_entity" else None
        raise PermissionDenied(refusal or _("You may not change entities in the catalogue."))
    return get_object_or_404(Entity, pk=pk)


class SectionPage(NamedTuple):
    section: Section
    page: object  # a Page of InSentence rows
    newer: dict | None  # the query parameters of the neighbouring pages
    older: dict | None


def _section(entity: Entity, section: Section, number: int | None) -> SectionPage:
    """One page of one kind of the entity's annotations, newest first, each in its sentence."""
    annotations = (
        entity.annotations.filter(kind=section.kind)
        .select_related("article")
        .defer("article__body", "article__search_vector", "prefix", "suffix")
        .with_surrounding_text(SURROUNDING)
        .order_by("-created_at", "-pk")
    )
    paginator = Paginator(annotations, ITEMS_PER_SECTION)
    paginator.count = getattr(entity, section.count_field)  # kept by the database: no count query
    page = paginator.get_page(number)
    page.object_list = in_sentences(page.object_list)
    newer = {section.name: page.previous_page_number()} if page.has_previous() else None
    older = {section.name: page.next_page_number()} if page.has_next() else None
    return SectionPage(section, page, newer, older)


def _verdicts(entity: Entity) -> list[tuple[str, int]]:
    """How many of the entity's claims have each verdict, e.g. 3 false, 1 misleading, 5 unverified."""
    counts = entity.annotations.filter(kind=Annotation.Kind.CLAIM).verdict_counts()
    return [(label, counts[value]) for value, label in Annotation.Verdict.choices if counts.get(value)]


def _header_context(request, entity: Entity, form: EntityForm | None = None) -> dict:
    initial = {field: getattr(entity, field) for field in ("name", "kind", "description", "external_id", "version")}
    return {"entity": entity, "form": form or EntityForm(initial=initial)}


def _aliases_answer(request, entity: Entity):
    if not request.htmx:
        return redirect(entity)
    return render(request, f"{DETAIL}#aliases", {"entity": entity, "alias_form": AliasForm()})


def _detail_context(request, entity, *, form=None, alias_form=None, merge_context=None, sections=None) -> dict:
    if sections is None:
        sections = {section.name: _section(entity, section, None) for section in SECTIONS}
    return {
        **_header_context(request, entity, form),
        "alias_form": alias_form or AliasForm(),
        "sections": list(sections.values()),
        "verdicts": _verdicts(entity),
        "merges": entity.merges.select_related("merged_by"),
        "history": entity_history(entity.pk),
        "merge_form": MergeForm(),
        **(merge_context or {}),
    }
