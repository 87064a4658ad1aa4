from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from entities.forms import LookupForm
from entities.models import Entity
from newsroom.http import bad_parameters

SUGGESTIONS = 6


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
