"""The quotes desk and the claims desk: every quote and every claim of every article, filtered.

The filters live in the URL, so a desk can be shared, bookmarked and paged through with its
filters kept. A speaker or claimant is named there by its entity's id; a name typed in the
filter form is looked up as the entity lookup does and answered with a redirect to that URL.
Each desk is one page whose filters, counts and rows are one region htmx swaps whole, and has
a download of what its filters select, every page of it (annotations.downloads).
"""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotFound, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from annotations import downloads, services
from annotations.models import Annotation
from articles.models import Article
from desks import queries
from desks.forms import ClaimDeskForm, QuoteDeskForm, VerdictForm
from entities.models import Entity
from history.versions import StaleVersion
from newsroom.http import bad_parameters, refusal, wants_fragment

PER_PAGE = 50
QUOTES = "desks/quote_desk.html"
CLAIMS = "desks/claim_desk.html"
# A desk shows annotations and the titles of their articles.
READ = ["annotations.view_annotation", "articles.view_article"]


@require_GET
@permission_required(READ, raise_exception=True)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def quote_desk(request):
    form = QuoteDeskForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    filters = form.cleaned_data
    speaker, unmatched, quotes = _quotes_selected(filters)
    if filters["speaker_name"] and speaker is not None:
        return redirect(_naming_entity(request, "speaker", speaker.pk))
    page = Paginator(queries.quotes_in_desk_order(quotes), PER_PAGE).get_page(filters["page"])
    context = {"form": form, "page": page, "speaker": speaker, "unmatched": unmatched, "filtered": _filtered(form)}
    return render(request, f"{QUOTES}#quote-desk" if wants_fragment(request) else QUOTES, context)


@require_GET
@permission_required(READ, raise_exception=True)
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def claim_desk(request):
    form = ClaimDeskForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    filters = form.cleaned_data
    claimant, unmatched, any_verdict, claims = _claims_selected(filters)
    if filters["claimant_name"] and claimant is not None:
        return redirect(_naming_entity(request, "claimant", claimant.pk))
    counts = any_verdict.verdict_counts()
    verdict = filters["verdict"]
    rows = queries.claims_in_desk_order(claims, unverified_first=filters["order"] != "newest")
    paginator = Paginator(rows, PER_PAGE)
    # The counts per verdict tell how many rows there are: no count query of its own.
    paginator.count = counts.get(verdict, 0) if verdict else sum(counts.values())
    page = paginator.get_page(filters["page"])
    for claim in page.object_list:
        claim.settable = claim.verdict_settable_by(request.user)
    context = {
        "form": form,
        "page": page,
        "claimant": claimant,
        "unmatched": unmatched,
        "filtered": _filtered(form),
        "params": request.GET,
        "back": request.get_full_path(),
        **_counts_context(counts, verdict),
    }
    return render(request, f"{CLAIMS}#claim-desk" if wants_fragment(request) else CLAIMS, context)


@require_GET
@permission_required(READ, raise_exception=True)
def quote_desk_download(request):
    """The quotes the desk's filters select, every page of them (its download menu)."""
    form = QuoteDeskForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    *_, quotes = _quotes_selected(form.cleaned_data)
    return downloads.download(request, scope="quotes", articles=Article.objects.all(), annotations=quotes)


@require_GET
@permission_required(READ, raise_exception=True)
def claim_desk_download(request):
    """The claims the desk's filters select, every page of them (its download menu)."""
    form = ClaimDeskForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    *_, claims = _claims_selected(form.cleaned_data)
    return downloads.download(request, scope="claims", articles=Article.objects.all(), annotations=claims)


def _quotes_selected(filters: dict) -> tuple[Entity | None, str, QuerySet[Annotation]]:
    """The speaker the desk's cleaned filters name (by id, or the one a typed name finds), the
    name if nobody matches it, and the quotes the filters select: the page and its download
    share it, so a download holds what the desk shows."""
    speaker, unmatched = _chosen(filters, "speaker", kind=Annotation.Kind.QUOTE)
    quotes = queries.quotes(
        speaker=speaker,
        quote_type=filters["type"],
        words=filters["words"],
        since=filters["since"],
        until=filters["until"],
    )
    return speaker, unmatched, quotes.none() if unmatched else quotes


def _claims_selected(filters: dict) -> tuple[Entity | None, str, QuerySet[Annotation], QuerySet[Annotation]]:
    """As _quotes_selected(), with the claims of any verdict (which the counts per verdict
    count) before those of the verdict chosen."""
    claimant, unmatched = _chosen(filters, "claimant", kind=Annotation.Kind.CLAIM)
    claims = queries.claims(claimant=claimant, words=filters["words"], since=filters["since"], until=filters["until"])
    if unmatched:
        claims = claims.none()
    verdict = filters["verdict"]
    return claimant, unmatched, claims, claims.filter(verdict=verdict) if verdict else claims


def _chosen(filters: dict, field: str, *, kind: str) -> tuple[Entity | None, str]:
    """The entity the filters name by id, or the one the typed name finds instead; the name
    when nobody matches it (which then finds nothing, rather than everything)."""
    if name := filters[f"{field}_name"]:
        entity = queries.entity_named(name, kind=kind)
        return entity, "" if entity is not None else name
    return filters[field], ""


@require_POST
@permission_required(READ, raise_exception=True)
def claim_verdict(request, pk: int):
    """Set a claim's verdict in place. htmx gets the claim's row and the desk's counts as they are
    now; a plain form is sent back to the desk it came from."""
    claim = get_object_or_404(queries.desk_rows(queries.claims()), pk=pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return bad_parameters(form)
    back, params = _claims_desk_at(request, form.cleaned_data["next"])
    try:
        services.set_verdict(claim, form.cleaned_data["verdict"], by=request.user, version=form.cleaned_data["version"])
    except Annotation.DoesNotExist as gone:
        return HttpResponseNotFound(str(gone), content_type="text/plain; charset=utf-8")
    except StaleVersion as stale:
        if not request.htmx:  # a plain form's page: the refusal on a page of its own
            return refusal(request, str(stale), status=409)
        # The row as it is now, saying who changed it; setting the verdict again overwrites theirs.
        claim = get_object_or_404(queries.desk_rows(queries.claims()), pk=pk)
        claim.settable = True
        context = {"claim": claim, "back": back, "conflict": stale}
        return HttpResponse(render_to_string(f"{CLAIMS}#claim-row", context, request), status=409)
    if not request.htmx:
        return redirect(f"{back}#claim-{claim.pk}")
    claim.settable = True
    row = render_to_string(f"{CLAIMS}#claim-row", {"claim": claim, "back": back}, request)
    return HttpResponse(row + _counts_update(request, params))


def _counts_update(request, params: QueryDict) -> str:
    """The desk's counts per verdict, as out-of-band swap, under the filters of the page it came from."""
    form = ClaimDeskForm(params)
    if not form.is_valid() or form.cleaned_data["claimant_name"]:
        return ""  # not a page the desk shows: nothing to bring up to date
    filters = form.cleaned_data
    claims = queries.claims(claimant=filters["claimant"], since=filters["since"], until=filters["until"])
    context = {"params": params, "oob": True, **_counts_context(claims.verdict_counts(), filters["verdict"])}
    return render_to_string(f"{CLAIMS}#verdict-counts", context, request)


def _counts_context(counts: dict[str, int], verdict: str) -> dict:
    return {
        "verdict_counts": [(choice, counts.get(choice.value, 0)) for choice in Annotation.Verdict],
        "total": sum(counts.values()),
        "current_verdict": verdict,
    }


def _claims_desk_at(request, url: str) -> tuple[str, QueryDict]:
    """The claims desk's address the request came from, and its filters; the plain desk if
    ``url`` is anything else."""
    desk = reverse("desks:claims")
    parts = urlsplit(url)
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()) or parts.path != desk:
        return desk, QueryDict()
    params = QueryDict(parts.query)
    return (f"{desk}?{params.urlencode()}" if params else desk), params


def _naming_entity(request, field: str, pk: int) -> str:
    """This desk's address with the entity found by name named by its id, the other filters kept."""
    params = request.GET.copy()
    for name in (field, f"{field}_name", "page"):
        params.pop(name, None)
    params[field] = pk
    return f"{request.path}?{params.urlencode()}"


def _filtered(form) -> bool:
    """Whether any filter is set (an empty desk then says that nothing matches)."""
    return any(value for name, value in form.cleaned_data.items() if name not in ("page", "order"))
