import csv

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from imports.forms import BatchPageForm
from imports.models import FileStatus, ImportBatch
from imports.running import create_batch, run_batch
from imports.seedfile import size_text
from imports.tasks import import_batch
from imports.uploads import UploadRefused, read_uploads
from newsroom.bodies import Allowance, takes_large_bodies
from newsroom.http import bad_parameters, wants_fragment

IMPORT_PERMISSION = "articles.import_articles"
can_import = permission_required(IMPORT_PERMISSION, raise_exception=True)
ROWS_PER_PAGE = 200


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
    batches = ImportBatch.objects.with_counts().select_related("created_by")[:100]
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
        return _page(request, refusal="Choose one or more .txt seed files, or a .zip of them.", status=400)
    try:
        entries = read_uploads(files)
    except UploadRefused as refusal:
        return _page(request, refusal=str(refusal), status=400)
    if not entries:
        return _page(request, refusal="The archive holds no files.", status=400)

    size = sum(entry.size for entry in entries)
    in_background = len(entries) > settings.IMPORT_INLINE_MAX_FILES or size > settings.IMPORT_INLINE_MAX_BYTES
    uploads = ", ".join(upload.name for upload in files)
    batch = create_batch(entries, user=request.user, uploads=uploads, in_background=in_background)
    if in_background:
        import_batch.enqueue(batch.pk)
    else:
        run_batch(batch.pk)
    return redirect(batch)


@require_GET
@can_import
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def batch_page(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)
    form = BatchPageForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    only_errors = form.cleaned_data["show"] == BatchPageForm.ERRORS
    files = batch.files.select_related("article").defer("content", "article__body", "article__search_vector")
    if only_errors:
        files = files.filter(status=FileStatus.ERROR)
    page = Paginator(files.order_by("position"), ROWS_PER_PAGE).get_page(form.cleaned_data["page"])
    context = {"batch": batch, "progress": batch.progress(), "page": page, "only_errors": only_errors}
    template = "imports/batch.html#results" if wants_fragment(request) else "imports/batch.html"
    return render(request, template, context)


@require_GET
@can_import
def batch_progress(request, pk: int):
    """Polled while the batch runs; once it is over, the page reloads to show every row."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.is_over:
        return HttpResponseClientRefresh()
    return render(request, "imports/batch.html#progress", {"batch": batch, "progress": batch.progress()})


@require_POST
@can_import
def batch_resume(request, pk: int):
    """Run the files still waiting (after a worker was stopped mid-way)."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.files.filter(status=FileStatus.PENDING).exists():
        ImportBatch.objects.filter(pk=pk).update(status=ImportBatch.Status.QUEUED, finished_at=None)
        import_batch.enqueue(batch.pk)
    return redirect(batch)


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


def inert(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (file names come from uploads)."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


class Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value
