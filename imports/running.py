"""Running an import batch: files stored as waiting rows, imported in chunks, outcomes recorded.

Each chunk's articles and the outcomes of its files commit in one transaction, so a worker
killed mid-way loses nothing it reported and leaves no half-stored article; running the batch
again picks up the files still waiting.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from imports.importing import FileResult, SeedSource, import_seed_files
from imports.models import BatchStatus, FileStatus, ImportBatch, ImportedFile
from imports.uploads import Entry

logger = logging.getLogger(__name__)

CHUNK = 2000  # waiting files read into memory at once
PROGRESS_STEP = 250  # files stored and reported per transaction: how often the progress bar moves

RECORD_OUTCOMES = f"""
UPDATE {ImportedFile._meta.db_table} AS file
   SET status = outcome.status, article_id = outcome.article_id, date = outcome.date,
       precision = outcome.precision, error = outcome.error, content = NULL
  FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[])
       AS outcome(id, status, article_id, date, precision, error)
 WHERE file.id = outcome.id
"""


@transaction.atomic
def create_batch(entries: list[Entry], *, user, uploads: str, in_background: bool) -> ImportBatch:
    batch = ImportBatch.objects.create(created_by=user, uploads=uploads, in_background=in_background)
    ImportedFile.objects.bulk_create(
        (
            ImportedFile(
                batch=batch,
                position=position,
                name=entry.name[:500],
                status=FileStatus.ERROR if entry.error else FileStatus.PENDING,
                error=entry.error or "",
                content=entry.content if not entry.error else None,
            )
            for position, entry in enumerate(entries)
        ),
        batch_size=1000,
    )
    return batch


def run_batch(batch_id: int) -> None:
    """Import the batch's waiting files. Safe to call again: only waiting files are imported."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    with _only_runner(batch_id) as alone:
        if not alone:
            logger.info("Import batch %s is being run elsewhere; leaving it", batch_id)
            return
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.RUNNING, finished_at=None, failure="")
        try:
            while waiting := list(
                batch.files.filter(status=FileStatus.PENDING)
                .order_by("position")
                .values_list("pk", "name", "content")[:CHUNK]
            ):
                sources = [SeedSource(name, load=lambda c=content: bytes(c), key=pk) for pk, name, content in waiting]
                import_seed_files(
                    sources, imported_by=batch.created_by, on_stored=_record_outcomes, batch_size=PROGRESS_STEP
                )
        except Exception as error:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=BatchStatus.FAILED, finished_at=timezone.now(), failure=f"{type(error).__name__}: {error}"
            )
            raise
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.DONE, finished_at=timezone.now())


def _record_outcomes(results: list[FileResult]) -> None:
    """Called inside the transaction that stores the articles of these files."""
    columns = list(
        zip(
            *((r.key, str(r.status), r.article_id, r.date or "", r.precision or "", r.error or "") for r in results),
            strict=True,
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(RECORD_OUTCOMES, [list(column) for column in columns])


# Advisory lock keys of import batches: (this number, the batch id).
LOCK_SPACE = 0x4E5752


@contextmanager
def _only_runner(batch_id: int) -> Iterator[bool]:
    """Hold a PostgreSQL advisory lock on the batch while this connection runs it.

    A second runner (a repeated task, a resumed batch) finds it taken and leaves; a worker that
    dies loses its connection, and the lock with it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, batch_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, batch_id])
