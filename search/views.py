"""The search page: one box (in every page's header) finding articles, entities, quotes and
claims at once, in groups (search.groups). The query lives in the URL, so results can be
bookmarked, shared and restored with the back button; htmx asks for the results region only."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from newsroom.http import bad_parameters, wants_fragment
from search import groups
from search.forms import SearchForm

PAGE = "search/search.html"


@require_GET
# Articles are what everyone who may search reads; the other groups need their own permissions.
@permission_required("articles.view_article", raise_exception=True)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    text = form.cleaned_data["q"]
    found = []
    if text:
        # Each group only for those who may read it, whatever asked for the page.
        user = request.user
        entities, annotations = user.has_perm("entities.view_entity"), user.has_perm("annotations.view_annotation")
        # The catalogue's entities the words name, looked up once: the articles' query reads them too.
        named = groups.Named.of(text) if entities or annotations else None
        found.append(groups.articles(text, by_date=form.cleaned_data["sort"] == "date", named=named))
        if entities:
            found.append(groups.entities(named))
        if annotations:
            found += [groups.quotes(text, named), groups.claims(text, named)]
    fragment = wants_fragment(request)
    context = {"form": form, "text": text, "groups": found, "fragment": fragment}
    return render(request, f"{PAGE}#search-results" if fragment else PAGE, context)
