"""A background import run by a real `db_worker` process, killed mid-way and run again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article
from imports.models import BatchStatus, FileStatus, ImportBatch, ImportedFile
from imports.running import create_batch, run_batch
from imports.tasks import import_batch
from imports.uploads import Entry
from tests.processes import process_env

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)

FILES = 4000
WORKER = "newsroom-test-worker"  # the worker's connections, as pg_stat_activity names them


def entries() -> list[Entry]:
    filler = "A TASZSZ hírügynökség szerint a tárgyalások konstruktív légkörben zajlottak. " * 12
    return [Entry(f"corpus/{i:05d}.txt", f"date 2025-06 Cikk {i}. {filler}".encode()) for i in range(FILES)]


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the PostgreSQL queue, as in production, instead of running as they are enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


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


def test_killing_the_worker_loses_nothing_and_running_again_completes(database_tasks, admin):
    batch = create_batch(entries(), user=admin, uploads="corpus.zip", in_background=True)
    import_batch.enqueue(batch.pk)
    worker = start_worker()
    try:
        wait_for(lambda: 0 < done(batch) < FILES)
        os.killpg(worker.pid, signal.SIGKILL)  # no clean shutdown: the worker and its threads die at once
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    # PostgreSQL ends the dead worker's sessions when it notices: a COMMIT it had already sent still
    # lands, its other transactions roll back, its advisory lock on the batch goes. Count after that.
    wait_for(lambda: worker_sessions() == 0)
    killed_at = done(batch)
    assert 0 < killed_at < FILES, "the worker was not killed mid-way"
    assert_nothing_lost_or_half_stored(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING  # it never finished

    # The same import uploaded again: what was imported is reported as duplicates, the rest imported.
    again = create_batch(entries(), user=admin, uploads="corpus.zip", in_background=False)
    run_batch(again.pk)
    progress = again.progress()
    assert progress["duplicate"] == killed_at and progress["imported"] == FILES - killed_at
    assert Article.objects.count() == FILES

    # The interrupted batch itself, resumed by a new worker, completes too.
    import_batch.enqueue(batch.pk)
    worker = start_worker()
    try:
        wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert done(batch) == FILES
    assert batch.files.filter(status=FileStatus.IMPORTED).count() == killed_at
    assert batch.files.filter(status=FileStatus.DUPLICATE).count() == FILES - killed_at
    assert Article.objects.count() == FILES
    assert ImportedFile.objects.filter(status=FileStatus.ERROR).count() == 0


def test_a_second_runner_leaves_a_batch_that_is_running(admin):
    from django.db import connections

    batch = create_batch(entries()[:3], user=admin, uploads="x", in_background=True)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another worker holds the batch
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [0x4E5752, batch.pk])
        run_batch(batch.pk)
        assert done(batch) == 0
    finally:
        other.close()
    run_batch(batch.pk)
    assert done(batch) == 3
