"""An admin imports a zip through the page and watches it run in a real worker; an interrupted import is
completed in place (in Hungarian and in English)."""

import re
import signal
import time

import pytest
from playwright.sync_api import expect

from articles.models import Article
from imports.models import ImportBatch
from tests.browser.helpers import in_both_languages
from tests.test_import_connection_lost import lose_the_connection_after_the_first_group
from tests.test_import_page import interrupted_batch, waiting_batch
from tests.test_import_worker import start_worker
from tests.zips import make_zip

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_uploads_a_zip_and_watches_it_to_the_end(admin, log_in, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.IMPORT_INLINE_MAX_FILES = 10  # so that this upload goes to the worker
    good = {f"cikkek/{i:04d}.txt": f"date 2025-06 Cikk {i}: Kim Dzsongun Phenjanban.".encode() for i in range(400)}
    bad = {
        "cikkek/ures.txt": b"",
        "cikkek/datum-nelkul.txt": b"Kim Dzsongun Phenjanban.",
        "cikkek/lehetetlen.txt": b"date 2025-02-30 Cikk.",
        "../kiszokik.txt": b"date 2025-06 Cikk.",
        "kep.jpg": b"\xff\xd8\xff",
    }
    archive = make_zip(good | bad)

    worker = start_worker()
    try:
        page = log_in(admin)
        page.goto("/import/")
        page.set_input_files(
            "#id_files", files=[{"name": "mixed.zip", "mimeType": "application/zip", "buffer": archive}]
        )
        page.get_by_role("button", name="Import", exact=True).click()

        expect(page).to_have_url(re.compile(r"/import/\d+/$"))
        batch = ImportBatch.objects.get()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Import #{batch.pk}")
        bar = page.locator("progress")
        expect(bar).to_have_attribute("max", "405")
        expect(page.locator(".status-line .status")).to_have_text("Done", timeout=30_000)
        expect(bar).to_have_attribute("value", "405")
        expect(page.locator(".status-line .counts")).to_contain_text("400 imported · 0 duplicates · 5 errors")

        page.get_by_role("link", name="Errors only").click()
        rows = page.locator("table.results tbody tr")
        expect(rows).to_have_count(5)
        expect(page.locator("tr", has_text="mixed.zip/cikkek/ures.txt")).to_contain_text("empty file")
        expect(page.locator("tr", has_text="lehetetlen.txt")).to_contain_text("February 2025 has 28 days")
        expect(page.locator("tr", has_text="kiszokik.txt")).to_contain_text("unsafe path")
        expect(page.locator("tr", has_text="kep.jpg")).to_contain_text("not a .txt seed file: skipped")
        expect(page).to_have_url(f"/import/{batch.pk}/?show=errors")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert Article.objects.count() == 400


@in_both_languages
def test_an_interrupted_import_offers_the_rest_and_imports_it_in_place(admin, log_in, monkeypatch, words):
    batch = interrupted_batch(admin, monkeypatch)
    page = log_in(admin)
    page.goto(batch.get_absolute_url())
    expect(page.locator(".status-line .status")).to_have_text(words("Interrupted"))
    interrupted = words.pattern(
        "This import was interrupted: nothing has been heard from it for %(since)s (what ran it was stopped, or "
        "lost the database). %(done)s of %(total)s files are done, and kept.",
        done=1,
        total=3,
    )
    expect(page.get_by_role("alert")).to_contain_text(interrupted)
    pending = words.plural(
        "%(pending)s file was not imported yet.", "%(pending)s files were not imported yet.", 2, pending=2
    )
    expect(page.locator("form.resume")).to_contain_text(pending)

    with page.expect_response(f"**/import/{batch.pk}/resume/") as answer:
        page.get_by_role("button", name=words("Import the rest")).click()  # htmx, its CSRF token from <body>
    assert answer.value.status == 200 and answer.value.request.headers["hx-request"] == "true"

    expect(page.locator(".status-line .status")).to_have_text(words("Done"))  # reloaded, as when a run ends
    counts = words.pattern(
        "%(done)s of %(total)s files · %(imported)s imported · %(duplicates)s duplicates · %(errors)s errors",
        done=3,
        total=3,
        imported=3,
        duplicates=0,
        errors=0,
    )
    expect(page.locator(".status-line .counts")).to_contain_text(counts)
    expect(page.locator("form.resume")).to_have_count(0)
    assert Article.objects.count() == 3


def test_the_page_asks_for_progress_less_often_while_nothing_moves(admin, log_in):
    batch = waiting_batch(admin)  # queued, and no worker to take it on
    page = log_in(admin)
    asked: list[tuple[float, str]] = []

    def note(request) -> None:
        if "/progress/" in request.url:
            asked.append((time.monotonic(), request.url))

    page.on("request", note)
    page.goto(batch.get_absolute_url())
    deadline = time.monotonic() + 10
    while len(asked) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(100)

    assert [re.search(r"every=(\d+)", url)[1] for _, url in asked[:3]] == ["500", "1000", "2000"]
    (first, _), (second, _), (third, _) = asked[:3]
    assert second - first > 0.9 and third - second > 1.9  # not every 500 ms: 1 s, then 2 s


def test_import_the_rest_that_loses_the_database_says_so_in_place(admin, log_in, monkeypatch):
    batch = interrupted_batch(admin, monkeypatch, files=5)
    lose_the_connection_after_the_first_group(monkeypatch)  # in the server's thread, when it imports
    page = log_in(admin)
    page.goto(batch.get_absolute_url())

    with page.expect_response(f"**/import/{batch.pk}/resume/") as answer:
        page.get_by_role("button", name="Import the rest").click()

    assert answer.value.status == 503
    panel = page.locator("#progress")
    expect(panel.get_by_role("heading", level=2)).to_have_text("The database connection was lost")
    expect(panel).to_contain_text("What is kept: the 3 of 5 files done before that")
    expect(panel.get_by_role("link", name="the import")).to_have_attribute("href", batch.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"/import/{batch.pk}/$"))  # swapped in place, no navigation
