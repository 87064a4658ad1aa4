"""The articles' search index: computed as an article is written, or by the search-index step after an import."""

import io
import random
import string

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from articles.indexing import fill_search_index, search_index_deferred, unindexed_count
from articles.models import Article
from imports.importing import SeedSource, import_seed_files
from imports.running import create_batch, run_batch
from imports.uploads import Entry
from tests.factories import make_article, run_queued_after_import_steps

pytestmark = pytest.mark.django_db


def seed(name: str, text: str) -> SeedSource:
    return SeedSource(name, load=lambda: f"date 2025-06-09 {text}".encode())


def vector(article: Article):
    return Article.objects.filter(pk=article.pk).values_list("search_vector", flat=True).get()


class TestTheTrigger:
    def test_an_article_written_as_usual_is_searchable_at_once(self):
        article = make_article("Szergej Sojgu Phenjanba utazott. A hírügynökség szerint.")
        assert Article.objects.search("Sojgunak").get() == article
        assert Article.objects.search("hírügynökségnek").get() == article

    def test_a_title_changed_by_an_update_statement_changes_the_vector(self):
        article = make_article("Szergej Sojgu Phenjanba utazott.")
        Article.objects.filter(pk=article.pk).update(title="Tengeralattjáró")
        assert Article.objects.search("tengeralattjáró").get() == article

    def test_a_stale_vector_written_back_changes_nothing(self):
        article = make_article("Szergej Sojgu Phenjanba utazott.")
        before = vector(article)
        Article.objects.filter(pk=article.pk).update(search_vector="'valami':1")
        assert vector(article) == before

    def test_only_the_block_that_defers_leaves_vectors_for_later(self):
        with search_index_deferred():
            deferred = make_article("Szergej Sojgu Phenjanba utazott.")
        after = make_article("Kim Dzsongun Moszkvába utazott.")
        assert vector(deferred) is None and vector(after) is not None
        assert not Article.objects.search("Sojgu").exists()


class TestImporting:
    def test_an_imported_article_is_left_for_the_step_and_found_after_it(self, database_tasks):
        report = import_seed_files([seed("a.txt", "Szergej Sojgu Phenjanba utazott.")])
        article = Article.objects.get(pk=report.files[0].article_id)

        assert vector(article) is None and unindexed_count() == 1
        assert not Article.objects.search("Sojgu").exists()
        queued = DBTaskResult.objects.get(task_path="imports.tasks.after_import")
        assert queued.args_kwargs["args"] == [[article.pk]]  # enqueued in the transaction that stored it

        run_queued_after_import_steps()
        assert Article.objects.search("Sojgunak").get() == article
        assert unindexed_count() == 0

    def test_an_article_whose_step_was_lost_is_indexed_by_the_next(self, database_tasks):
        first = import_seed_files([seed("a.txt", "Szergej Sojgu Phenjanba utazott.")]).files[0].article_id
        DBTaskResult.objects.all().delete()  # its step failed, or the queue was emptied
        import_seed_files([seed("b.txt", "Kim Dzsongun Moszkvába utazott.")])

        run_queued_after_import_steps()
        assert list(Article.objects.search("Sojgu").values_list("pk", flat=True)) == [first]

    def test_a_duplicate_enqueues_nothing(self, database_tasks):
        import_seed_files([seed("a.txt", "Szergej Sojgu Phenjanba utazott.")])
        run_queued_after_import_steps()
        report = import_seed_files([seed("again.txt", "Szergej Sojgu Phenjanba utazott.")])
        assert report.duplicates == 1
        assert not DBTaskResult.objects.exists()

    def test_a_batch_run_in_a_request_or_a_worker_is_searchable_when_it_ends(self, database_tasks, admin):
        entries = [Entry("a.txt", b"date 2025-06-09 Szergej Sojgu Phenjanba utazott.")]
        batch = create_batch(entries, user=admin, uploads="a.txt", in_background=False)
        run_batch(batch.pk)
        assert Article.objects.search("Sojgu").count() == 1 and unindexed_count() == 0

    def test_the_command_indexes_what_it_imported(self, tmp_path, database_tasks):
        (tmp_path / "a.txt").write_text("date 2025-06-09 Szergej Sojgu Phenjanba utazott.")
        call_command("import_seeds", str(tmp_path), stdout=io.StringIO())
        assert Article.objects.search("Sojgu").count() == 1 and unindexed_count() == 0


def test_the_index_articles_command_indexes_what_waits():
    with search_index_deferred():
        article = make_article("Szergej Sojgu Phenjanba utazott.")
    out = io.StringIO()
    call_command("index_articles", stdout=out)
    assert out.getvalue() == "1 articles indexed\n"
    assert Article.objects.search("Sojgu").get() == article


def test_an_article_with_no_vector_for_its_text_is_indexed_by_its_title_and_holds_up_no_other():
    # Over PostgreSQL's 1 MB of distinct words in one vector: its text cannot be indexed.
    letters = random.Random(9)
    words = " ".join("".join(letters.choices(string.ascii_lowercase, k=10)) for _ in range(120_000))
    with search_index_deferred():
        ordinary = make_article("Szergej Sojgu Phenjanba utazott.")
        huge = make_article(words + ".", title="Tengeralattjáró")

    assert fill_search_index() == 2
    assert Article.objects.search("Sojgu").get() == ordinary
    assert Article.objects.search("tengeralattjáró").get() == huge
    assert unindexed_count() == 0


def test_the_step_indexes_as_the_trigger_does():
    text = "Kim Dzsongun Phenjanban fogadta. Az oroszok Sojgunak katonák. Észak-koreai."
    with search_index_deferred():
        deferred = make_article(text, title="Egy cím", content_sha256="a" * 64)
    fill_search_index()
    at_once = make_article(text, title="Egy cím", content_sha256="b" * 64)
    assert vector(deferred) == vector(at_once)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('newsroom.defer_search_index', true)")
        assert cursor.fetchone()[0] != "on"
