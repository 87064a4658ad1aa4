import contextlib
import csv
import logging

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from imports.forms import BatchPageForm, ProgressPollForm
from imports.models import FileStatus, ImportBatch
from imports.running import connection_lost, create_batch, in_background, requeue_batch, run_batch
from imports.seedfile import size_text
from imports.tasks import import_batch
from imports.uploads import UploadRefused, read_uploads
from newsroom.bodies import Allowance, takes_large_bodies
from newsroom.http import bad_parameters, wants_fragment
from newsroom.spreadsheets import Echo, inert

logger = logging.getLogger(__name__)
IMPORT_PERMISSION = "articles.import_articles"
can_import = permission_required(IMPORT_PERMISSION, raise_exception=True)
ROWS_PER_PAGE = 200
# A running import's page asks for progress this often at first, and again whenever it moved;
# while nothing moves it waits twice as long each time, up to the most.
POLL_FIRST_MS = 500
POLL_MOST_MS = 8000


def upload_allowance() -> Allowance:
    """What one upload may send (anyone who may not import gets the small general allowance)."""
    advice = _("Split it into smaller uploads.")
    return Allowance(settings.IMPORT_MAX_UPLOAD_BYTES, settings.IMPORT_MAX_FILES, advice=advice)


@takes_large_bodies(upload_allowance, permission=IMPORT_PERMISSION)
@require_http_methods(["GET", "POST"])
@can_import
def import_page(request):
    """Upload seed files or archives; below, every import so far."""
    if request.method == "POST":
        return _upload(request)
    return _page(request)


def _page(request, *, refusal: str = "", status: int = 200):
    batches = ImportBatch.objects.with_counts().with_lease().select_related("created_by")[:100]
    limits = {
        "upload": size_text(settings.IMPORT_MAX_UPLOAD_BYTES),
        "file": size_text(settings.SEED_MAX_FILE_BYTES),
        "archive": size_text(settings.IMPORT_MAX_ARCHIVE_BYTES),
        "inline_files": settings.IMPORT_INLINE_MAX_FILES,
    }
    context = {"batches": batches, "refusal": refusal, "limits": limits}
    return render(request, "imports/import.html", context, status=status)


def _upload(request):
    # An upload over upload_allowance() was refused unread (newsroom.bodies.BoundedBodies).
    files = request.FILES.getlist("files")
    if not files:
        return _page(request, refusal=_("Choose one or more .txt seed files, or a .zip of them."), status=400)
    try:
        entries = read_uploads(files)
    except UploadRefused as refusal:
        return _page(request, refusal=str(refusal), status=400)
    if not entries:
        return _page(request, refusal=_("The archive holds no files."), status=400)

    size = sum(entry.size for entry in entries)
    background = in_background(len(entries), size)
    uploads = ", ".join(upload.name for upload in files)
    batch = None
    try:
        batch = create_batch(entries, user=request.user, uploads=uploads, in_background=background)
        if background:
            import_batch.enqueue(batch.pk)
        else:
            run_batch(batch.pk)
    except DatabaseError as error:
        if not connection_lost(error):
            raise
        return _connection_lost(request, batch)
    return redirect(batch)


@require_GET
@can_import
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def batch_page(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.with_lease().select_related("created_by"), pk=pk)
    form = BatchPageForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    only_errors = form.cleaned_data["show"] == BatchPageForm.ERRORS
    files = batch.files.select_related("article").defer("content", "article__body", "article__search_vector")
    if only_errors:
        files = files.filter(status=FileStatus.ERROR)
    page = Paginator(files.order_by("position"), ROWS_PER_PAGE).get_page(form.cleaned_data["page"])
    context = {**_progress(batch), "page": page, "only_errors": only_errors}
    template = "imports/batch.html#results" if wants_fragment(request) else "imports/batch.html"
    return render(request, template, context)


@require_GET
@can_import
def batch_progress(request, pk: int):
    """Polled while the batch runs, less often while nothing moves; once it is over, the page reloads
    to show every row. An interrupted batch is shown as such, and not polled any more."""
    batch = get_object_or_404(ImportBatch.objects.with_lease(), pk=pk)
    form = ProgressPollForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    if batch.is_over:
        return HttpResponseClientRefresh()
    context = _progress(batch, seen=form.cleaned_data["seen"], every=form.cleaned_data["every"])
    return render(request, "imports/batch.html#progress", context)


@require_POST
@can_import
def batch_resume(request, pk: int):
    """Import the files still waiting of an interrupted or failed import: by a worker, or here when they
    are few (the same rule as for an upload). Anything else (running, queued, done) is left as it is."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    waiting = requeue_batch(batch.pk)
    if waiting is not None:
        if in_background(*waiting):
            import_batch.enqueue(batch.pk)
        else:
            try:
                run_batch(batch.pk)
            except DatabaseError as error:
                if not connection_lost(error):
                    raise
                return _connection_lost(request, batch)
    if not request.htmx:
        return redirect(batch)
    batch = ImportBatch.objects.with_lease().get(pk=pk)
    if batch.is_over:
        return HttpResponseClientRefresh()  # the whole page, to show every file's outcome
    return render(request, "imports/batch.html#progress", _progress(batch))


def _progress(batch: ImportBatch, *, seen: int | None = None, every: int | None = None) -> dict:
    """The progress panel's context: counts, and when to ask again (none when nothing will change by itself)."""
    progress = batch.progress()
    poll_ms = None
    if not batch.is_over and not batch.is_interrupted:
        moved = seen is None or every is None or progress["done"] != seen
        poll_ms = POLL_FIRST_MS if moved else min(max(every, POLL_FIRST_MS) * 2, POLL_MOST_MS)
    return {
        "batch": batch,
        "progress": progress,
        "poll_ms": poll_ms,
        "can_resume": batch.is_stopped and progress["pending"],
    }


def _connection_lost(request, batch: ImportBatch | None):
    """503 that says what happened to an import run in this request when the database went away."""
    logger.warning("The database connection was lost while importing batch %s", batch and batch.pk, exc_info=True)
    if not connection.in_atomic_block:
        connection.close()  # the lost one; a new one is opened to count what was kept
    progress = None
    with contextlib.suppress(DatabaseError):  # still away: the page says what is kept, without the numbers
        progress = batch.progress() if batch is not None else None
    template = "imports/connection_lost.html#lost" if request.htmx else "imports/connection_lost.html"
    return render(request, template, {"batch": batch, "progress": progress}, status=503)


@require_GET
@can_import
def batch_report(request, pk: int):
    batch = get_object_or_404(ImportBatch, pk=pk)
    rows = (
        batch.files.order_by("position")
        .values_list("name", "status", "article_id", "date", "precision", "error")
        .iterator(chunk_size=2000)
    )
    base = request.build_absolute_uri("/articles/")

    def lines():
        buffer = Echo()
        writer = csv.writer(buffer)
        yield writer.writerow(["file", "status", "article_id", "article_url", "date", "precision", "error"])
        for name, status, article_id, date, precision, error in rows:
            url = f"{base}{article_id}/" if article_id else ""
            yield writer.writerow([inert(name), status, article_id or "", url, date, precision, inert(error)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}.csv"'
    return response
