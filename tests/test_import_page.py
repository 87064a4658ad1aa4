"""The import page: uploads, archives and their attacks, limits, results, history, permissions."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from imports import running
from imports.importing import SeedSource, import_seed_files
from imports.models import BatchStatus, FileStatus, ImportBatch, ImportedFile
from imports.running import claim_batch, create_batch
from imports.uploads import Entry
from tests.factories import lapse_lease
from tests.zips import make_zip

pytestmark = pytest.mark.django_db

IMPORT = reverse("imports:import")


def seed(i: int) -> bytes:
    return f"date 2025-06-{i % 28 + 1:02d} Cikk {i}: Kim Dzsongun Phenjanban. Második mondat.".encode()


def upload(client, *files: tuple[str, bytes], **extra):
    return client.post(IMPORT, {"files": [SimpleUploadedFile(name, content) for name, content in files]}, **extra)


def outcomes(batch: ImportBatch) -> dict[str, tuple[str, str]]:
    return {f.name: (f.status, f.error) for f in batch.files.all()}


@pytest.fixture
def admin_client(client_for, admin):
    return client_for(admin)


class TestUpload:
    def test_a_seed_file_is_imported_and_the_result_shown(self, admin_client, admin, sample_bytes):
        response = upload(admin_client, ("000_a45e6700e34eec7b.txt", sample_bytes))

        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
        assert (batch.status, batch.created_by, batch.in_background) == ("done", admin, False)
        file = batch.files.get()
        assert (file.status, file.date, file.precision) == ("imported", "2025-06", "month")
        assert file.article.body.startswith("Egy magas rangú") and file.article.imported_by == admin
        page = admin_client.get(batch.get_absolute_url()).content.decode()
        assert f'<a href="/articles/{file.article_id}/">' in page and "1 imported" in page

    def test_a_duplicate_links_to_the_article_already_there(self, admin_client, sample_bytes):
        upload(admin_client, ("a.txt", sample_bytes))
        upload(admin_client, ("b.txt", sample_bytes))
        first, second = ImportBatch.objects.order_by("pk")
        duplicate = second.files.get()
        assert duplicate.status == "duplicate"
        assert duplicate.article_id == first.files.get().article_id
        assert "(already there)" in admin_client.get(second.get_absolute_url()).content.decode()

    @pytest.mark.parametrize(
        "raw",
        [b"", b"Kim Dzsongun.", b"date 2025-02-30 x", b"date 2025-06", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"],
        ids=["empty", "no-date", "impossible-date", "no-text", "binary"],
    )
    def test_a_bad_file_gets_the_same_reason_as_on_the_command_line(self, admin_client, raw):
        command_line = import_seed_files([SeedSource("x.txt", lambda: raw)]).files[0].error
        Article.objects.all().delete()

        upload(admin_client, ("x.txt", raw))

        assert outcomes(ImportBatch.objects.get()) == {"x.txt": ("error", command_line)}
        assert not Article.objects.exists()

    def test_a_file_over_the_size_limit_is_refused_with_the_parsers_message(self, admin_client, settings):
        settings.SEED_MAX_FILE_BYTES = 100
        upload(admin_client, ("big.txt", b"date 2025-06 " + b"x" * 200))
        assert outcomes(ImportBatch.objects.get()) == {
            "big.txt": ("error", "file too large: 213 bytes, the limit is 100 bytes")
        }

    def test_other_kinds_of_file_are_skipped_with_a_reason(self, admin_client):
        upload(admin_client, ("photo.jpg", b"\xff\xd8\xff"), ("good.txt", seed(1)))
        assert outcomes(ImportBatch.objects.get()) == {
            "photo.jpg": ("error", "not a .txt seed file or a .zip of them: skipped"),
            "good.txt": ("imported", ""),
        }

    def test_nothing_chosen_is_refused(self, admin_client):
        response = admin_client.post(IMPORT, {})
        assert response.status_code == 400
        assert "Choose one or more .txt seed files" in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_an_upload_over_the_request_limit_is_refused_before_reading_it(self, admin_client, settings):
        settings.IMPORT_MAX_UPLOAD_BYTES = 1000
        response = upload(admin_client, ("a.txt", seed(1) * 100))
        assert response.status_code == 413
        assert "more than the limit of 1000\xa0bytes. Split it into smaller uploads." in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_a_large_upload_runs_in_the_background(self, admin_client, settings):
        settings.IMPORT_INLINE_MAX_FILES = 3
        upload(admin_client, *[(f"{i}.txt", seed(i)) for i in range(5)])
        batch = ImportBatch.objects.get()
        assert batch.in_background  # the test settings run tasks as they are enqueued
        assert (batch.status, batch.progress()["imported"]) == ("done", 5)


class TestArchives:
    def test_files_in_folders_inside_a_zip_are_imported(self, admin_client):
        archive = make_zip({"2025/jun/a.txt": seed(1), "2025/jul/b.txt": seed(2), "readme.md": b"# hi"})
        upload(admin_client, ("cikkek.zip", archive))
        assert outcomes(ImportBatch.objects.get()) == {
            "cikkek.zip/2025/jun/a.txt": ("imported", ""),
            "cikkek.zip/2025/jul/b.txt": ("imported", ""),
            "cikkek.zip/readme.md": ("error", "not a .txt seed file: skipped"),
        }

    @pytest.mark.parametrize(
        ("entry", "reason"),
        [
            ("../../etc/evil.txt", "unsafe path (absolute, or leading out of the archive): refused"),
            ("/etc/evil.txt", "unsafe path (absolute, or leading out of the archive): refused"),
            ("C:/Windows/evil.txt", "unsafe path (absolute, or leading out of the archive): refused"),
            ("inner/archive.zip", "an archive inside the archive: refused (unpack it first)"),
        ],
    )
    def test_a_dangerous_entry_is_refused_and_the_rest_imported(self, admin_client, entry, reason):
        upload(admin_client, ("mixed.zip", make_zip({entry: seed(1), "ok.txt": seed(2)})))
        assert outcomes(ImportBatch.objects.get()) == {
            f"mixed.zip/{entry}": ("error", reason),
            "mixed.zip/ok.txt": ("imported", ""),
        }
        assert Article.objects.count() == 1

    def test_a_link_is_refused(self, admin_client):
        upload(admin_client, ("links.zip", make_zip({"ok.txt": seed(1)}, links={"passwd.txt": "/etc/passwd"})))
        assert outcomes(ImportBatch.objects.get())["links.zip/passwd.txt"] == ("error", "a link, not a file: refused")

    def test_an_entry_compressed_too_well_is_refused(self, admin_client):
        upload(admin_client, ("bomb.zip", make_zip({"bomb.txt": b"date 2025-06 " + b"0" * 5_000_000})))
        status, reason = outcomes(ImportBatch.objects.get())["bomb.zip/bomb.txt"]
        assert status == "error" and reason.endswith("to 1, more than 100 to 1: refused (a decompression bomb?)")

    def test_an_archive_that_unpacks_to_too_much_is_refused_whole(self, admin_client, settings):
        settings.IMPORT_MAX_UNPACKED_BYTES = 1000
        response = upload(admin_client, ("big.zip", make_zip({f"{i}.txt": seed(i) * 10 for i in range(5)})))
        assert response.status_code == 400
        assert (
            "big.zip unpacks to" in response.content.decode() and "a decompression bomb?" in response.content.decode()
        )
        assert not ImportBatch.objects.exists() and not Article.objects.exists()

    def test_an_archive_over_its_size_limit_is_refused(self, admin_client, settings):
        settings.IMPORT_MAX_ARCHIVE_BYTES = 100
        response = upload(admin_client, ("big.zip", make_zip({"a.txt": seed(1), "b.txt": seed(2)})))
        assert response.status_code == 400
        assert "big.zip is too large" in response.content.decode()

    def test_a_file_named_zip_that_is_not_one_is_refused(self, admin_client):
        response = upload(admin_client, ("fake.zip", b"PK\x03\x04 not really"))
        assert response.status_code == 400
        assert "fake.zip is not a zip archive, or a damaged one." in response.content.decode()

    def test_too_many_files_are_refused(self, admin_client, settings):
        settings.IMPORT_MAX_FILES = 3
        response = upload(admin_client, ("many.zip", make_zip({f"{i}.txt": seed(i) for i in range(5)})))
        assert response.status_code == 400
        assert "Too many files: the limit is 3 in one upload." in response.content.decode()


class TestResults:
    @pytest.fixture
    def batch(self, admin_client):
        upload(admin_client, ("good.txt", seed(1)), ("empty.txt", b""), ("nodate.txt", b"Szia."))
        return ImportBatch.objects.get()

    def test_errors_only(self, admin_client, batch):
        response = admin_client.get(batch.get_absolute_url(), {"show": "errors"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert html.strip().startswith('<div id="results">')
        assert "empty.txt" in html and "nodate.txt" in html and "good.txt" not in html
        assert '<a href="?show=errors" aria-current="true"' in html  # the filter shows which is on

    def test_the_report_downloads_as_csv(self, admin_client, batch):
        response = admin_client.get(reverse("imports:report", args=[batch.pk]))
        assert response["Content-Disposition"] == f'attachment; filename="import-{batch.pk}.csv"'
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        article = Article.objects.get()
        assert rows == [
            ["file", "status", "article_id", "article_url", "date", "precision", "error"],
            [
                "good.txt",
                "imported",
                str(article.pk),
                f"http://testserver/articles/{article.pk}/",
                "2025-06-02",
                "day",
                "",
            ],
            ["empty.txt", "error", "", "", "", "", "empty file"],
            [
                "nodate.txt",
                "error",
                "",
                "",
                "",
                "",
                "no date: the file must start with 'date YYYY-MM-DD', 'date YYYY-MM' or 'date YYYY'",
            ],
        ]

    def test_the_report_does_not_let_a_file_name_become_a_formula(self, admin_client):
        upload(admin_client, ("=HYPERLINK(1).txt", b""))
        response = admin_client.get(reverse("imports:report", args=[ImportBatch.objects.get().pk]))
        assert "'=HYPERLINK(1).txt,error" in b"".join(response.streaming_content).decode()

    def test_the_history_lists_every_import_with_its_counts(self, admin_client, batch):
        html = admin_client.get(IMPORT).content.decode()
        assert batch.get_absolute_url() in html
        assert "adel" in html and "good.txt, empty.txt, nodate.txt" in html
        assert re.findall(r'<td class="num">(\d+)</td>', html) == ["3", "1", "0", "2"]  # files, imported, dup., errors

    def test_progress_asks_the_page_to_reload_once_the_batch_is_over(self, admin_client, batch):
        response = admin_client.get(reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"})
        assert response["HX-Refresh"] == "true"

    def test_progress_while_running(self, admin_client, admin):
        from imports.running import create_batch
        from imports.uploads import Entry

        batch = create_batch(
            [Entry("a.txt", seed(1)), Entry("b.txt", seed(2))], user=admin, uploads="x", in_background=True
        )
        html = admin_client.get(reverse("imports:progress", args=[batch.pk])).content.decode()
        assert '<progress max="2" value="0"' in html and 'hx-trigger="every 500ms"' in html

    def test_resume_imports_the_files_still_waiting(self, admin_client, admin):
        from imports.running import create_batch
        from imports.uploads import Entry

        batch = create_batch([Entry("a.txt", seed(1))], user=admin, uploads="x", in_background=True)
        assert "Import the rest" not in admin_client.get(batch.get_absolute_url()).content.decode()  # queued, not stuck
        ImportBatch.objects.filter(pk=batch.pk).update(status="failed", finished_at="2026-01-01T00:00Z")
        assert "1 file was not imported yet." in admin_client.get(batch.get_absolute_url()).content.decode()
        admin_client.post(reverse("imports:resume", args=[batch.pk]))
        batch.refresh_from_db()
        assert batch.status == "done" and batch.files.get().status == FileStatus.IMPORTED


def waiting_batch(admin, files: int = 3) -> ImportBatch:
    entries = [Entry(f"{i}.txt", seed(i)) for i in range(files)]
    return create_batch(entries, user=admin, uploads="cikkek.zip", in_background=True)


def interrupted_batch(admin, monkeypatch, files: int = 3) -> ImportBatch:
    """A batch whose runner stored its first file and then died, and whose lease has lapsed since."""
    batch = waiting_batch(admin, files)
    monkeypatch.setattr(running, "CHUNK", 1)
    read_waiting_files, reads = running._waiting_files, []

    def die_before_the_second_file(batch_id):
        if reads:
            raise SystemExit  # as a worker stopped mid-way: nothing more runs, nothing is recorded
        reads.append(batch_id)
        return read_waiting_files(batch_id)

    with monkeypatch.context() as patch:
        patch.setattr(running, "_waiting_files", die_before_the_second_file)
        with pytest.raises(SystemExit):
            running.run_batch(batch.pk)
    lapse_lease(batch)
    return batch


def panel(client, url: str) -> tuple[str, str | None, int | None]:
    """The progress panel at ``url`` (or the page), the URL it polls next, and when (None: it does not poll)."""
    html = client.get(url, headers={"HX-Request": "true"} if "/progress/" in url else {}).content.decode()
    polling = re.search(r'hx-get="([^"]+)" hx-trigger="every (\d+)ms"', html)
    if polling is None:
        return html, None, None
    return html, polling[1].replace("&amp;", "&"), int(polling[2])


class TestInterrupted:
    def test_a_batch_whose_runner_stopped_reporting_reads_as_interrupted_and_offers_the_rest(
        self, admin_client, admin, monkeypatch
    ):
        batch = waiting_batch(admin)
        claim_batch(batch.pk)
        running_page = admin_client.get(batch.get_absolute_url()).content.decode()
        assert ">Running</span>" in running_page and 'hx-trigger="every 500ms"' in running_page
        assert "Import the rest" not in running_page  # its runner is alive: nothing to offer

        batch = interrupted_batch(admin, monkeypatch)
        html = admin_client.get(batch.get_absolute_url()).content.decode()
        assert ">Interrupted</span>" in html and "This import was interrupted" in html
        assert "1 of 3 files are done, and kept." in html and "2 files were not imported yet." in html
        assert f'action="{reverse("imports:resume", args=[batch.pk])}"' in html and "Import the rest" in html
        assert 'hx-trigger="every' not in html  # it will not move by itself: nothing polls
        assert ">Interrupted</span>" in admin_client.get(IMPORT).content.decode()  # in the history too

    def test_polling_backs_off_while_nothing_moves_and_starts_over_when_it_moves(self, admin_client, admin):
        batch = waiting_batch(admin)
        claim_batch(batch.pk)
        _, url, every = panel(admin_client, batch.get_absolute_url())
        waits = [every]
        for _ in range(5):
            _, url, every = panel(admin_client, url)
            waits.append(every)
        assert waits == [500, 1000, 2000, 4000, 8000, 8000]

        ImportedFile.objects.filter(batch=batch, position=0).update(status=FileStatus.ERROR, error="x", content=None)
        _, url, every = panel(admin_client, url)
        assert every == 500  # it moved: ask soon again

        lapse_lease(batch)
        html, url, every = panel(admin_client, url)
        assert url is None and "Import the rest" in html  # interrupted: polling stops, the rest is offered

    @pytest.mark.parametrize(
        ("parameters", "message"), [("every=soon", "every: Enter a whole number."), ("seen=-1", "seen: Ensure")]
    )
    def test_bad_polling_parameters_get_a_400_that_says_why(self, admin_client, admin, parameters, message):
        batch = waiting_batch(admin)
        response = admin_client.get(reverse("imports:progress", args=[batch.pk]) + "?" + parameters)
        assert response.status_code == 400 and response.content.decode().startswith(message)

    def test_import_the_rest_hands_many_files_to_a_worker(self, admin_client, admin, monkeypatch, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
        settings.IMPORT_INLINE_MAX_FILES = 1
        batch = interrupted_batch(admin, monkeypatch)

        response = admin_client.post(reverse("imports:resume", args=[batch.pk]), headers={"HX-Request": "true"})

        html = response.content.decode()
        assert html.strip().startswith('<section id="progress"')  # the panel, swapped in place
        assert ">Queued</span>" in html and 'hx-trigger="every 500ms"' in html and "Import the rest" not in html
        assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.QUEUED
        # Beside it, the after_import step of the file imported before the interruption.
        queued = DBTaskResult.objects.get(task_path="imports.tasks.import_batch")
        assert queued.args_kwargs["args"] == [batch.pk]

    def test_import_the_rest_imports_a_few_files_in_the_request_and_none_twice(self, admin_client, admin, monkeypatch):
        batch = interrupted_batch(admin, monkeypatch)
        first = batch.files.get(position=0)

        response = admin_client.post(reverse("imports:resume", args=[batch.pk]), headers={"HX-Request": "true"})

        assert response["HX-Refresh"] == "true"  # done: the whole page, with every file's outcome
        batch.refresh_from_db()
        assert (batch.status, batch.runs) == (BatchStatus.DONE, 2)
        assert batch.files.filter(status=FileStatus.IMPORTED).count() == 3 == Article.objects.count()
        assert batch.files.values("article_id").distinct().count() == 3
        assert batch.files.get(position=0).article_id == first.article_id  # done before, not done again

    def test_import_the_rest_as_a_plain_form_needs_its_csrf_token(self, admin, monkeypatch):
        batch = interrupted_batch(admin, monkeypatch)
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(admin)
        url = reverse("imports:resume", args=[batch.pk])

        assert browser.post(url).status_code == 403
        assert ImportBatch.objects.interrupted().filter(pk=batch.pk).exists()

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(batch.get_absolute_url()).text)[1]
        response = browser.post(url, {"csrfmiddlewaretoken": token})
        assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
        assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE

    def test_import_the_rest_leaves_a_batch_whose_runner_is_alive(self, admin_client, admin, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
        batch = waiting_batch(admin)
        claim_batch(batch.pk)

        response = admin_client.post(reverse("imports:resume", args=[batch.pk]))

        assert response.status_code == 302
        batch.refresh_from_db()
        assert (batch.status, batch.runs) == (BatchStatus.RUNNING, 1)
        assert not DBTaskResult.objects.exists()

    def test_editors_cannot_import_the_rest(self, client_for, editor, admin, monkeypatch):
        batch = interrupted_batch(admin, monkeypatch)
        response = client_for(editor).post(reverse("imports:resume", args=[batch.pk]))
        assert response.status_code == 403
        assert ImportBatch.objects.interrupted().filter(pk=batch.pk, runs=1).exists()
        assert batch.files.filter(status=FileStatus.PENDING).count() == 2


class TestPermissions:
    URLS = [
        ("get", lambda b: IMPORT),
        ("post", lambda b: IMPORT),
        ("get", lambda b: reverse("imports:batch", args=[b.pk])),
        ("get", lambda b: reverse("imports:progress", args=[b.pk])),
        ("post", lambda b: reverse("imports:resume", args=[b.pk])),
        ("get", lambda b: reverse("imports:report", args=[b.pk])),
    ]

    @pytest.fixture
    def batch(self, admin):
        return ImportBatch.objects.create(created_by=admin, uploads="x")

    @pytest.mark.parametrize(("method", "url"), URLS)
    def test_editors_are_refused(self, client_for, editor, batch, method, url):
        assert getattr(client_for(editor), method)(url(batch)).status_code == 403

    @pytest.mark.parametrize(("method", "url"), URLS)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, batch, method, url):
        response = getattr(client, method)(url(batch))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_editors_do_not_see_the_import_link(self, client_for, editor, admin):
        assert "Import</a>" not in client_for(editor).get("/articles/").content.decode()
        assert "Import</a>" in client_for(admin).get("/articles/").content.decode()


class TestResultPages:
    @pytest.fixture
    def long_batch(self, admin):
        from imports.running import create_batch
        from imports.uploads import Entry

        entries = [Entry(f"{i:03d}.jpg", error="not a .txt seed file: skipped") for i in range(205)]
        return create_batch(entries, user=admin, uploads="sok.zip", in_background=False)

    def test_next_reaches_page_two_and_keeps_the_filter(self, admin_client, long_batch):
        url = reverse("imports:batch", args=[long_batch.pk])
        html = admin_client.get(url, {"show": "errors"}).content.decode()
        link = re.search(r'<a href="([^"]*)">Next →</a>', html)[1]
        assert link == "?show=errors&amp;page=2"
        second = admin_client.get(url + link.replace("&amp;", "&")).content.decode()
        assert "200.jpg" in second and "199.jpg" not in second

    @pytest.mark.parametrize(
        ("parameters", "message"),
        [
            ({"show": "everything"}, "show: Select a valid choice. everything is not one of the available choices."),
            ({"page": "\x00"}, "page: Enter a whole number."),
        ],
    )
    def test_bad_parameters_get_a_400_that_says_why(self, admin_client, long_batch, parameters, message):
        response = admin_client.get(reverse("imports:batch", args=[long_batch.pk]), parameters)
        assert (response.status_code, response.content.decode()) == (400, message)

    def test_a_history_restore_gets_the_whole_page(self, admin_client, long_batch):
        url = reverse("imports:batch", args=[long_batch.pk])
        restored = admin_client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
        assert "<html" in restored.content.decode()
        assert {"HX-Request", "HX-History-Restore-Request"} <= {h.strip() for h in restored["Vary"].split(",")}
