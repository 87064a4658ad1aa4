"""Importing seed files into the database, through the function and the command."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, DatePrecision
from imports.importing import SeedSource, import_seed_files, sources_from_paths
from imports.models import FileStatus
from tests.processes import process_env

ROOT = Path(__file__).resolve().parent.parent
GOOD = "date 2025-06-09 Egy cikk szövege, amely {}. Ez a második mondat."

# One of each bad file SEED_FORMAT.md names, with the reason the importer gives.
BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "no-date.txt": (b"Kim Dzsongun Phenjanban.", "no date"),
    "impossible-date.txt": (b"date 2025-02-30 Text.", "impossible date '2025-02-30'"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    "header-only.txt": (b"date 2025-06", "no article text after the date"),
}


def source(name: str, raw: bytes) -> SeedSource:
    return SeedSource(name=name, load=lambda: raw)


def run_command(*args: str) -> tuple[int, str, str]:
    """manage.py import_seeds in a real process, as an admin runs it, on the test database."""
    process = subprocess.run(
        [sys.executable, "manage.py", "import_seeds", *args],
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return process.returncode, process.stdout, process.stderr


@pytest.mark.django_db
class TestImportSeedFiles:
    def test_it_imports_the_sample_as_a_month_precision_article(self, sample_bytes):
        report = import_seed_files([source("000_a45e6700e34eec7b.txt", sample_bytes)])

        assert (report.imported, report.duplicates, report.errors) == (1, 0, 0)
        article = Article.objects.get(pk=report.files[0].article_id)
        assert article.date_precision == DatePrecision.MONTH
        assert article.publication_date_display == "June 2025"
        assert article.body.startswith("Egy magas rangú")
        assert article.body == sample_bytes.decode().removeprefix(" date 2025-06 ")
        assert article.source_filename == "000_a45e6700e34eec7b.txt"
        assert article.status == Article.Status.NEW
        assert article.imported_at is not None

    def test_importing_again_reports_a_duplicate_of_the_same_article(self, sample_bytes):
        first = import_seed_files([source("a.txt", sample_bytes)])
        again = import_seed_files([source("b.txt", sample_bytes.replace(b"\n", b"\r\n"))])

        assert again.files[0].status == FileStatus.DUPLICATE
        assert again.files[0].article_id == first.files[0].article_id
        assert Article.objects.count() == 1

    def test_the_same_text_twice_in_one_import_is_stored_once(self):
        text = GOOD.format("kétszer jön").encode()
        report = import_seed_files([source("a.txt", text), source("b.txt", text)])

        assert [f.status for f in report.files] == [FileStatus.IMPORTED, FileStatus.DUPLICATE]
        assert report.files[0].article_id == report.files[1].article_id
        assert Article.objects.count() == 1

    @pytest.mark.parametrize("name", BAD_FILES)
    def test_a_bad_file_is_reported_and_nothing_of_it_stored(self, name):
        raw, reason = BAD_FILES[name]
        report = import_seed_files([source(name, raw)])

        assert report.files[0].status == FileStatus.ERROR
        assert reason in report.files[0].error
        assert report.files[0].article_id is None
        assert not Article.objects.exists()

    def test_a_file_over_the_size_limit_is_reported_and_not_stored(self, settings):
        settings.SEED_MAX_FILE_BYTES = 1000
        report = import_seed_files([source("big.txt", b"date 2025-06 " + b"hosszu " * 200)])
        assert report.files[0].error == "file too large: 1.4 KB, the limit is 1000 bytes"
        assert not Article.objects.exists()

    @pytest.mark.parametrize(
        "raw",
        [
            "\ufeff date 2025-06 Kim Dzsongun – „idézet” 🚀.\r\n\r\nMásodik.".encode(),
            " date 2025-06 Kim Dzsongun – „idézet” 🚀.\n\nMásodik.".encode("utf-16"),
            " date 2025-06 Kim Dzsongun – „idézet” 🚀.\n\nMásodik.".encode().replace("é".encode(), "e\u0301".encode()),
        ],
        ids=["utf8-bom-crlf", "utf16-bom", "decomposed"],
    )
    def test_odd_but_valid_files_store_the_same_normalised_text(self, raw):
        report = import_seed_files([source("odd.txt", raw)])
        assert report.files[0].status == FileStatus.IMPORTED, report.files[0].error
        assert Article.objects.get().body == "Kim Dzsongun – „idézet” 🚀.\n\nMásodik."

    def test_bad_files_never_stop_the_good_ones(self):
        sources = [source(f"good-{i}.txt", GOOD.format(f"a {i}. jó fájl").encode()) for i in range(3)]
        sources[1:1] = [source(name, raw) for name, (raw, _) in BAD_FILES.items()]

        report = import_seed_files(sources, batch_size=2)

        assert (report.imported, report.duplicates, report.errors) == (3, 0, len(BAD_FILES))
        assert [f.path for f in report.files] == [s.name for s in sources]
        assert Article.objects.count() == 3

    def test_a_text_stored_meanwhile_by_another_import_is_a_duplicate_not_an_error(self, monkeypatch):
        from imports import importing

        first = import_seed_files([source("first.txt", GOOD.format("jó").encode())]).files[0].article_id
        # Another import stores the same text between this one's look for duplicates and its COPY.
        real_existing_ids = importing._existing_ids
        looks = iter([lambda hashes: {}])
        monkeypatch.setattr(importing, "_existing_ids", lambda hashes: next(looks, real_existing_ids)(hashes))
        sources = [source("again.txt", GOOD.format("jó").encode()), source("new.txt", GOOD.format("szép").encode())]

        report = import_seed_files(sources)

        assert [f.status for f in report.files] == [FileStatus.DUPLICATE, FileStatus.IMPORTED]
        assert report.files[0].article_id == first
        assert Article.objects.count() == 2

    def test_a_file_the_database_refuses_leaves_the_rest_of_its_batch_stored(self, monkeypatch):
        from imports import importing

        # A stand-in for any row the database refuses: a title over the column's length.
        real_parse = importing.parse_seed_file

        def parse_with_overlong_title(raw, **kwargs):
            article = real_parse(raw, **kwargs)
            if b"rossz" in raw:
                return type(article)(**{**article.__dict__, "title": "x" * 400})
            return article

        monkeypatch.setattr(importing, "parse_seed_file", parse_with_overlong_title)
        sources = [source(f"{i}.txt", GOOD.format(word).encode()) for i, word in enumerate(["jó", "rossz", "szép"])]

        report = import_seed_files(sources)

        assert [f.status for f in report.files] == [FileStatus.IMPORTED, FileStatus.ERROR, FileStatus.IMPORTED]
        assert report.files[1].error.startswith("could not be stored: value too long")
        assert Article.objects.count() == 2

    def test_an_unreadable_file_is_an_error_not_a_crash(self, tmp_path):
        report = import_seed_files(sources_from_paths([tmp_path / "missing.txt"]))
        assert report.files[0].error == "cannot read the file: No such file or directory"

    def test_the_importer_is_recorded(self, admin):
        report = import_seed_files([source("a.txt", GOOD.format("admin").encode())], imported_by=admin)
        assert Article.objects.get(pk=report.files[0].article_id).imported_by == admin

    def test_the_article_is_found_by_full_text_search(self, sample_bytes):
        import_seed_files([source("sample.txt", sample_bytes)])
        articles = Article.objects.all()

        assert articles.search("hírügynökségek").exists()  # another form of a stemmed word
        assert articles.search("Kim Dzsongun").exists()  # a name the stemmer would mangle
        assert articles.search("Sojgunak").exists()  # a name with a case suffix, as written
        assert articles.search("Phenjanba").exists()
        assert articles.search("hirugynokseg").exists()  # typed without accents
        assert articles.search("Geraszimov").exists()
        assert articles.search("Geraszimov AND tengeralattjáró").exists() is False
        assert not articles.search("tengeralattjáró").exists()


def test_sources_from_paths_walks_directories_for_txt_files_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b" / "notes.md").write_text("x")
    (tmp_path / "c.TXT").write_text("x")
    names = [Path(s.name).relative_to(tmp_path).as_posix() for s in sources_from_paths([tmp_path])]
    assert names == ["a.txt", "c.TXT", "b/2.txt"]


@pytest.mark.django_db(transaction=True)
def test_parallel_connections_store_every_file_exactly_once(settings, tmp_path):
    """Outside a transaction, batches go to parallel connections; results still come in order."""
    settings.IMPORT_DB_CONNECTIONS = 2
    texts = [GOOD.format(f"a {i}. párhuzamos") for i in range(25)]
    sources = [source(f"{i}.txt", text.encode()) for i, text in enumerate(texts + texts[:5])]

    report = import_seed_files(sources, batch_size=4)

    assert [f.path for f in report.files] == [s.name for s in sources]
    assert (report.imported, report.duplicates, report.errors) == (25, 5, 0)
    assert Article.objects.count() == 25
    assert {f.article_id for f in report.files} == set(Article.objects.values_list("id", flat=True))


@pytest.mark.django_db(transaction=True)
class TestCommand:
    def test_it_prints_a_json_report(self, tmp_path, sample_bytes):
        (tmp_path / "sample.txt").write_bytes(sample_bytes)
        (tmp_path / "nested").mkdir()
        (tmp_path / "nested" / "bad.txt").write_bytes(b"date 2025-13 text")

        status, stdout, _ = run_command("--json", str(tmp_path))

        report = json.loads(stdout)
        assert status == 1
        assert report["imported"] == 1 and report["duplicates"] == 0 and report["errors"] == 1
        good, bad = report["files"]  # files of a folder before its subfolders
        assert good == {
            "path": str(tmp_path / "sample.txt"),
            "status": "imported",
            "article_id": Article.objects.get().pk,
            "date": "2025-06",
            "precision": "month",
            "error": None,
        }
        assert bad["status"] == "error"
        assert bad["error"] == "impossible date '2025-13': there is no month 13"

    def test_a_reimport_is_all_duplicates_and_exits_zero(self, tmp_path, sample_bytes):
        shutil.copy(ROOT / "seeds" / "000_a45e6700e34eec7b.txt", tmp_path)
        assert run_command(str(tmp_path))[0] == 0

        status, stdout, stderr = run_command(str(tmp_path))

        assert status == 0
        assert stdout.strip() == "1 files: 0 imported, 1 duplicates, 0 failed"
        assert stderr == ""

    def test_it_names_each_failed_file_and_why(self, tmp_path):
        (tmp_path / "empty.txt").write_bytes(b"")
        status, stdout, stderr = run_command(str(tmp_path))
        assert status == 1
        assert f"{tmp_path / 'empty.txt'}: empty file" in stderr
        assert stdout.strip() == "1 files: 0 imported, 0 duplicates, 1 failed"

    def test_an_unknown_user_is_refused_before_anything_is_imported(self, tmp_path, sample_bytes):
        (tmp_path / "sample.txt").write_bytes(sample_bytes)
        with pytest.raises(Exception, match="no user named 'nobody'"):
            call_command("import_seeds", str(tmp_path), user="nobody")
        assert not Article.objects.exists()
