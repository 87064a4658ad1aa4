"""Running an import batch: files stored as waiting rows, imported in chunks, outcomes recorded.

Each chunk's articles and the outcomes of its files commit in one transaction, so a worker
killed mid-way loses nothing it reported and leaves no half-stored article; running the batch
again picks up the files still waiting.

A runner holds the batch by a lease: it takes the batch on (claim_batch) and renews the lease in
the transaction of every group it stores. A batch not heard from for IMPORT_LEASE_SECONDS is
interrupted; another runner may take it on, and the one thought dead stores nothing more.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, Func, IntegerField, Sum
from django.db.models.functions import Coalesce, Now

from articles.indexing import fill_search_index
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


def in_background(files: int, size: int) -> bool:
    """Whether so many files of so many bytes go to a worker, rather than being imported in the request."""
    return files > settings.IMPORT_INLINE_MAX_FILES or size > settings.IMPORT_INLINE_MAX_BYTES


def run_batch(batch_id: int) -> None:
    """Import the batch's waiting files, if no one else is. Safe to call again: only waiting files are imported."""
    run = claim_batch(batch_id)
    if run is None:
        logger.info("Import batch %s is not waiting for a runner (over, or run elsewhere); leaving it", batch_id)
        return
    imported_by = ImportBatch.objects.select_related("created_by").get(pk=batch_id).created_by
    record = partial(_record_outcomes, batch_id=batch_id, run=run)
    try:
        while waiting := _waiting_files(batch_id):
            sources = [SeedSource(name, load=lambda c=content: bytes(c), key=pk) for pk, name, content in waiting]
            import_seed_files(sources, imported_by=imported_by, on_stored=record, batch_size=PROGRESS_STEP)
    except LeaseLost:
        logger.warning("Import batch %s was taken over or queued again, its lease having lapsed: stopping", batch_id)
        return
    except Exception as error:
        _record_failure(batch_id, run, error)
        raise
    ImportBatch.objects.filter(pk=batch_id, runs=run, status=BatchStatus.RUNNING).update(
        status=BatchStatus.DONE, finished_at=Now()
    )
    # Searchable before this returns, in a worker as in a request (and with no worker running):
    # the after_import steps the groups queued find it done.
    fill_search_index()


class LeaseLost(Exception):
    """The batch was taken over by another runner, or queued again, since this one took it on."""


def claim_batch(batch_id: int) -> int | None:
    """Take the batch on if it is queued or interrupted; returns this run's number, or None.

    A batch whose row is locked is being written by its runner at this moment, so it is alive:
    skipped rather than waited for.
    """
    with transaction.atomic():
        runs = (
            ImportBatch.objects.claimable()
            .filter(pk=batch_id)
            .select_for_update(skip_locked=True)
            .values_list("runs", flat=True)
            .first()
        )
        if runs is None:
            return None
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.RUNNING, heartbeat_at=Now(), runs=runs + 1, finished_at=None, failure=""
        )
    return runs + 1


@transaction.atomic
def requeue_batch(batch_id: int) -> tuple[int, int] | None:
    """Queue a stopped batch's waiting files again ("Import the rest"); returns how many, and their bytes.

    None when there is nothing to resume: the batch is running, queued, done, or being written
    at this moment. A runner that was thought dead finds the batch no longer its own at its
    next group of files, and stops.
    """
    if not ImportBatch.objects.resumable().filter(pk=batch_id).select_for_update(skip_locked=True).exists():
        return None
    ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.QUEUED, finished_at=None, failure="")
    waiting = ImportedFile.objects.filter(batch_id=batch_id, status=FileStatus.PENDING).aggregate(
        files=Count("pk"), size=Coalesce(Sum(Func("content", function="octet_length", output_field=IntegerField())), 0)
    )
    return waiting["files"], waiting["size"]


def _waiting_files(batch_id: int) -> list[tuple[int, str, bytes]]:
    return list(
        ImportedFile.objects.filter(batch_id=batch_id, status=FileStatus.PENDING)
        .order_by("position")
        .values_list("pk", "name", "content")[:CHUNK]
    )


def _record_outcomes(results: list[FileResult], *, batch_id: int, run: int) -> None:
    """Called inside the transaction that stores the articles of these files.

    The lease is renewed last, in the same transaction: the batch row stays locked only while
    the group commits, and a runner that lost the batch rolls back the group whole.
    """
    columns = list(
        zip(
            *((r.key, str(r.status), r.article_id, r.date or "", r.precision or "", r.error or "") for r in results),
            strict=True,
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(RECORD_OUTCOMES, [list(column) for column in columns])
    if not ImportBatch.objects.filter(pk=batch_id, runs=run, status=BatchStatus.RUNNING).update(heartbeat_at=Now()):
        raise LeaseLost


def _record_failure(batch_id: int, run: int, error: Exception) -> None:
    """Mark the batch failed, if it is still this run's, so that the rest is offered at once.

    After a lost connection this is tried on a new one; should the database still be away, the
    batch keeps its lease until it lapses, and then reads as interrupted.
    """
    if connection_lost(error) and not connection.in_atomic_block:
        connection.close()  # perhaps the one that was lost; the next query opens another
    try:
        ImportBatch.objects.filter(pk=batch_id, runs=run, status=BatchStatus.RUNNING).update(
            status=BatchStatus.FAILED, finished_at=Now(), failure=f"{type(error).__name__}: {error}"
        )
    except DatabaseError:
        logger.exception("Import batch %s failed, and could not be marked failed", batch_id)


def connection_lost(error: BaseException) -> bool:
    """Whether a database error means the connection is gone (server shut down or restarted, session
    terminated, network), rather than a statement the database refused."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    # No SQLSTATE: the client found the connection broken. 08: connection exceptions. 57P: the
    # server shutting down or terminating the session. (57014, a cancelled statement, is not.)
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))
