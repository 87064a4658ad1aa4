"""Background imports run by real `db_worker` processes, killed mid-way and run again; runners and their leases."""

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from imports import running
from imports.models import BatchStatus, FileStatus, ImportBatch, ImportedFile
from imports.running import claim_batch, create_batch, run_batch
from imports.tasks import import_batch
from imports.uploads import Entry
from tests.factories import lapse_lease
from tests.processes import process_env

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)

FILES = 4000
WORKER = "newsroom-test-worker"  # the worker's connections, as pg_stat_activity names them


def entries() -> list[Entry]:
    filler = "A TASZSZ hírügynökség szerint a tárgyalások konstruktív légkörben zajlottak. " * 12
    return [Entry(f"corpus/{i:05d}.txt", f"date 2025-06 Cikk {i}. {filler}".encode()) for i in range(FILES)]


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=process_env(TASKS_BACKEND="django_tasks_db.DatabaseBackend", LOG_LEVEL="WARNING", PGAPPNAME=WORKER),
        start_new_session=True,
    )


def wait_for(condition, timeout: float = 60.0, every: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError("timed out")


def worker_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [WORKER])
        return cursor.fetchone()[0]


def done(batch: ImportBatch) -> int:
    return batch.files.exclude(status=FileStatus.PENDING).count()


def assert_nothing_lost_or_half_stored(batch: ImportBatch) -> None:
    imported = batch.files.filter(status=FileStatus.IMPORTED)
    # Every file reported imported has its article, and every article was reported.
    assert Article.objects.count() == imported.count()
    assert set(imported.values_list("article_id", flat=True)) == set(Article.objects.values_list("pk", flat=True))
    # Waiting files still have their bytes; finished ones do not.
    assert not batch.files.filter(status=FileStatus.PENDING, content__isnull=True).exists()


def kill_mid_way(batch: ImportBatch, worker: subprocess.Popen) -> int:
    """SIGKILL the worker while it is part way through the batch; returns how many files were done by then."""
    try:
        wait_for(lambda: 0 < done(batch) < FILES)
        os.killpg(worker.pid, signal.SIGKILL)  # no clean shutdown: the worker and its threads die at once
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    # PostgreSQL ends the dead worker's sessions when it notices: a COMMIT it had already sent still
    # lands, its other transactions roll back. Count after that.
    wait_for(lambda: worker_sessions() == 0)
    killed_at = done(batch)
    assert 0 < killed_at < FILES, "the worker was not killed mid-way"
    return killed_at


def test_killing_the_worker_loses_nothing_and_uploading_again_completes(database_tasks, admin):
    batch = create_batch(entries(), user=admin, uploads="corpus.zip", in_background=True)
    import_batch.enqueue(batch.pk)
    killed_at = kill_mid_way(batch, start_worker())

    assert_nothing_lost_or_half_stored(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING  # it never finished

    # The same import uploaded again: what was imported is reported as duplicates, the rest imported.
    again = create_batch(entries(), user=admin, uploads="corpus.zip", in_background=False)
    run_batch(again.pk)
    progress = again.progress()
    assert progress["duplicate"] == killed_at and progress["imported"] == FILES - killed_at
    assert Article.objects.count() == FILES
    assert ImportedFile.objects.filter(status=FileStatus.ERROR).count() == 0


def test_a_killed_workers_import_reads_as_interrupted_after_its_lease_and_the_rest_completes(
    database_tasks, admin, client_for, settings
):
    settings.IMPORT_LEASE_SECONDS = 1
    settings.IMPORT_INLINE_MAX_FILES = 0  # the rest goes to a worker, however few files it is
    batch = create_batch(entries(), user=admin, uploads="corpus.zip", in_background=True)
    import_batch.enqueue(batch.pk)
    killed_at = kill_mid_way(batch, start_worker())

    wait_for(lambda: ImportBatch.objects.interrupted().filter(pk=batch.pk).exists(), timeout=10)
    admin_client = client_for(admin)
    page = admin_client.get(batch.get_absolute_url()).content.decode()
    assert "This import was interrupted" in page and f"{killed_at} of {FILES} files are done" in page
    assert f"{FILES - killed_at} files were not imported yet." in page and "Import the rest" in page
    assert 'hx-trigger="every' not in page  # nothing polls a batch that will not move by itself

    response = admin_client.post(reverse("imports:resume", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.QUEUED
    worker = start_worker()
    try:
        wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    # Every file accounted for exactly once: imported, each with its own article, none twice.
    assert batch.files.filter(status=FileStatus.IMPORTED).count() == FILES
    assert batch.files.values("article_id").distinct().count() == FILES
    assert Article.objects.count() == FILES
    assert ImportBatch.objects.get(pk=batch.pk).runs == 2


def test_a_second_runner_leaves_a_batch_whose_runner_holds_the_lease(admin, settings):
    batch = create_batch(entries()[:3], user=admin, uploads="x", in_background=True)
    assert claim_batch(batch.pk) == 1  # another worker has it, and reports within its lease

    run_batch(batch.pk)
    assert done(batch) == 0
    assert ImportBatch.objects.get(pk=batch.pk).runs == 1

    lapse_lease(batch)  # that worker has gone quiet for longer than the lease
    run_batch(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.runs, done(batch)) == (BatchStatus.DONE, 2, 3)


def test_only_one_of_many_runners_starting_at_once_takes_the_batch(admin):
    batch = create_batch(entries()[:3], user=admin, uploads="x", in_background=True)
    start = threading.Barrier(8)

    def claim() -> int | None:
        try:
            start.wait()
            return claim_batch(batch.pk)
        finally:
            connection.close()  # this thread's own

    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda _: claim(), range(8)))
    assert sorted(runs, key=str) == [1] + [None] * 7


def test_a_runner_thought_dead_stores_nothing_once_another_took_over(admin, monkeypatch):
    """A slow worker whose lease lapsed comes back after another finished the batch: it must not
    report the files again (it would find its own articles, and call them duplicates)."""
    monkeypatch.setattr(running, "CHUNK", 10)
    monkeypatch.setattr(running, "PROGRESS_STEP", 5)
    batch = create_batch(entries()[:30], user=admin, uploads="x", in_background=True)
    slow = threading.current_thread()
    read_waiting_files = running._waiting_files
    reads = 0

    def stall_after_reading(batch_id: int):
        nonlocal reads
        waiting = read_waiting_files(batch_id)
        if threading.current_thread() is slow and (reads := reads + 1) == 2:
            # Having read its next files, this runner stalls past its lease, and another takes over.
            lapse_lease(batch)
            other = threading.Thread(target=run_on_own_connection, args=[batch.pk])
            other.start()
            other.join()
            assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
        return waiting

    monkeypatch.setattr(running, "_waiting_files", stall_after_reading)
    run_batch(batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.runs) == (BatchStatus.DONE, 2)
    assert batch.files.filter(status=FileStatus.IMPORTED).count() == 30
    assert batch.files.values("article_id").distinct().count() == 30 == Article.objects.count()


def run_on_own_connection(batch_id: int) -> None:
    try:
        run_batch(batch_id)
    finally:
        connection.close()
