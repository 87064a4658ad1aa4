"""The database connection lost in the middle of an import run in the request: a 503 that says
what happened, what is kept and what to do; and what is kept is what it says.

The connection is lost for real: between two groups of files, another connection terminates
the request's session (as a restart of PostgreSQL would), and waits until it is gone. The
import's next statement then finds its connection closed.
"""

import contextlib
import re
from collections.abc import Iterator

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from articles.models import Article
from imports import running, views
from imports.models import BatchStatus, FileStatus, ImportBatch
from imports.running import create_batch
from imports.uploads import Entry
from tests.factories import lapse_lease
from tests.processes import current_database_url

pytestmark = pytest.mark.django_db(transaction=True)

FILES = 5


def seed(i: int) -> bytes:
    return f"date 2025-06 Cikk {i}: a tárgyalások konstruktív légkörben zajlottak.".encode()


def as_superuser(sql: str, params=()) -> None:
    with psycopg.connect(current_database_url(), autocommit=True, dbname="postgres") as other:
        other.execute(sql, params)


def lose_the_connection() -> None:
    """End this thread's database session from another connection, and wait until it is gone."""
    as_superuser("SELECT pg_terminate_backend(%s, 5000)", [connection.connection.info.backend_pid])


@contextlib.contextmanager
def database_away() -> Iterator[None]:
    """No new connection to the test database is accepted until the block ends."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    as_superuser(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    try:
        yield
    finally:
        as_superuser(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")


def lose_the_connection_after_the_first_group(monkeypatch) -> None:
    """Two files a group; the connection is lost once the first group has been stored."""
    monkeypatch.setattr(running, "CHUNK", 2)
    read_waiting_files, reads = running._waiting_files, []

    def read_then_lose(batch_id: int):
        if reads:
            lose_the_connection()
        reads.append(batch_id)
        return read_waiting_files(batch_id)

    monkeypatch.setattr(running, "_waiting_files", read_then_lose)


@pytest.fixture
def lost_after_the_first_group(monkeypatch) -> None:
    lose_the_connection_after_the_first_group(monkeypatch)


@pytest.fixture
def admin_client(client_for, admin):
    return client_for(admin)


def test_an_upload_whose_connection_is_lost_answers_503_saying_what_is_kept(
    admin_client, lost_after_the_first_group, monkeypatch
):
    files = [SimpleUploadedFile(f"{i}.txt", seed(i)) for i in range(FILES)]

    response = admin_client.post(reverse("imports:import"), {"files": files})

    assert response.status_code == 503
    html = response.content.decode()
    batch = ImportBatch.objects.get()
    assert f"<h1>Import #{batch.pk}</h1>" in html and "<h2>The database connection was lost</h2>" in html
    assert "What is kept: the 2 of 5 files done before that" in html
    assert "the others were not imported, and nothing of them is half-stored" in html
    assert f'open <a href="{batch.get_absolute_url()}">the import</a> and choose “Import the rest”' in html
    assert "or upload the same files again. Either is safe" in html

    # What it says: the first group is stored, each file with its article; the others wait whole.
    assert batch.files.filter(status=FileStatus.IMPORTED).count() == 2 == Article.objects.count()
    assert batch.files.filter(status=FileStatus.PENDING, content__isnull=False).count() == 3
    # The database answered again at once, so the batch says it stopped, and offers the rest.
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "OperationalError" in batch.failure
    page = admin_client.get(batch.get_absolute_url()).content.decode()
    assert "3 files were not imported yet." in page and "Import the rest" in page

    # Trying again is safe: the rest is imported, and nothing twice.
    monkeypatch.undo()
    admin_client.post(reverse("imports:resume", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.files.filter(status=FileStatus.IMPORTED).count() == FILES == Article.objects.count()
    assert batch.files.values("article_id").distinct().count() == FILES


def test_an_upload_that_cannot_be_stored_at_all_says_nothing_was_imported(admin_client, monkeypatch):
    store_upload = views.create_batch

    def lose_then_store(*args, **kwargs):
        lose_the_connection()
        return store_upload(*args, **kwargs)

    monkeypatch.setattr(views, "create_batch", lose_then_store)
    response = admin_client.post(reverse("imports:import"), {"files": [SimpleUploadedFile("0.txt", seed(0))]})

    assert response.status_code == 503
    html = response.content.decode()
    assert "<h1>Import articles</h1>" in html and "<h2>The database connection was lost</h2>" in html
    assert (
        "The upload could not be stored: the connection to the database was lost. Nothing of it was imported." in html
    )
    assert "upload the same files again once the database answers" in html
    assert not ImportBatch.objects.exists() and not Article.objects.exists()


def test_import_the_rest_losing_its_connection_answers_503_with_a_panel_htmx_shows(
    admin_client, admin, lost_after_the_first_group
):
    entries = [Entry(f"{i}.txt", seed(i)) for i in range(FILES)]
    batch = create_batch(entries, user=admin, uploads="cikkek.zip", in_background=True)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, finished_at="2026-01-01T00:00Z")

    response = admin_client.post(reverse("imports:resume", args=[batch.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 503
    html = response.content.decode()
    assert html.strip().startswith('<section id="progress" class="progress-panel connection-lost" role="alert">')
    assert "What is kept: the 2 of 5 files done before that" in html
    # The panel it replaces lets htmx swap this answer in, which it would not do with a 5xx by itself.
    before = admin_client.get(batch.get_absolute_url()).content.decode()
    assert re.search(r'<section id="progress" class="progress-panel"[^>]* data-shows-unavailable>', before)
    assert re.search(r'<script src="/static/js/imports\.[0-9a-f.]*js" defer>', before)  # static/js/imports.js


def test_while_the_database_stays_away_the_page_still_says_what_happened(admin_client, monkeypatch):
    monkeypatch.setattr(running, "CHUNK", 2)
    read_waiting_files = running._waiting_files
    away = contextlib.ExitStack()

    def read_then_go_away(batch_id: int):
        if ImportBatch.objects.get(pk=batch_id).files.exclude(status=FileStatus.PENDING).exists():
            away.enter_context(database_away())
            lose_the_connection()
        return read_waiting_files(batch_id)

    monkeypatch.setattr(running, "_waiting_files", read_then_go_away)
    with away:
        files = [SimpleUploadedFile(f"{i}.txt", seed(i)) for i in range(FILES)]
        response = admin_client.post(reverse("imports:import"), {"files": files})
        assert response.status_code == 503
        html = response.content.decode()
        assert "What is kept: every file done before that, each with its outcome" in html
        assert re.search(r'open <a href="/import/\d+/">the import</a>', html)

    # The batch could not be marked failed: it keeps the lease of a runner that is gone, and once
    # that lapses it reads as interrupted, with the rest offered.
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.RUNNING
    lapse_lease(batch)
    page = admin_client.get(batch.get_absolute_url()).content.decode()
    assert "This import was interrupted" in page and "3 files were not imported yet." in page
