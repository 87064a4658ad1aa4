"""The download menus: what a page shows, as a file in any format of the registry
(annotations.exporting.FORMATS), streamed.

Each page that has a menu (the article page, the article list, the quotes and claims desks) has
a download URL of its own beside it, validated by the page's own form and selecting through the
same function as the page, so that a download holds exactly what the page shows: every page of
it, not only the one on screen. The view checks the page's permissions and may read annotations.
"""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from annotations.exporting import FORMATS, Format
from annotations.forms import DownloadForm
from annotations.models import Annotation
from articles.models import Article
from newsroom import site
from newsroom.http import bad_parameters

# Pieces of about this many characters go to the client: one per annotation would be tens of
# thousands of writes for a large export.
PIECE = 64 * 1024
# Download views need this beside what their page needs: the files hold annotations.
READ_ANNOTATIONS = "annotations.view_annotation"


def download(request, *, scope: str, articles: QuerySet[Article], annotations: QuerySet[Annotation]) -> HttpResponse:
    """The file of ``annotations`` (of ``articles``) in the format the request asks for, or 400
    naming what is wrong. ``scope`` names what the page shows, in the file's name."""
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    export = FORMATS[form.cleaned_data["format"]]
    response = StreamingHttpResponse(in_pieces(export.lines(articles, annotations)), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(scope, export)}"'
    return response


def filename(scope: str, export: Format) -> str:
    """Such as ``hirek-claims-2025-06-09-claimreview.jsonld``: the newsroom, what the page shows,
    today (in ``TIME_ZONE``) and the format (two formats share an extension). ASCII letters,
    digits and hyphens only, so no browser mangles it."""
    newsroom = slugify(site.name()) or "newsroom"
    return f"{newsroom}-{slugify(scope)}-{timezone.localdate().isoformat()}-{export.name}.{export.extension}"


def in_pieces(lines: Iterable[str], size: int = PIECE) -> Iterator[str]:
    """The lines joined into pieces of at least ``size`` characters (the last one shorter)."""
    piece, length = [], 0
    for line in lines:
        piece.append(line)
        length += len(line)
        if length >= size:
            yield "".join(piece)
            piece, length = [], 0
    if piece:
        yield "".join(piece)
