"""The tally of every article (ArticleTally): the article list's counts per status, kind and
verdict, kept by triggers on articles, agree with counting the articles themselves whatever
writes them, and no writer waits for another's transaction to add to it (issue 10)."""

import itertools
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation, Verdict
from articles import services
from articles.indexing import fill_search_index
from articles.models import TALLY_LOCK, Article, ArticleTally, ArticleTallyManager
from imports.importing import SeedSource, import_seed_files
from tests.factories import make_annotation, make_article, span_of
from tests.test_migrations import migrate_to

BODY = "Kim Dzsongun azt mondta, hogy minden rendben. A TASZSZ szerint esik. {}"
# Every combination of chosen values the list can ask for, a sample of each filter's.
CHOICES = [
    {"status": status, "kind": kind, "verdict": verdict}
    for status, kind, verdict in itertools.product(["", "new", "done"], ["", "claim", "quote"], ["", "false", "true"])
]


def assert_tally_agrees() -> None:
    """The tally's counts are the articles' own, for every choice of the other filters."""
    for chosen in CHOICES:
        assert ArticleTally.objects.list_counts(**chosen) == Article.objects.all().list_counts(**chosen), chosen


def annotated(n: int, author, *kinds: str, verdict: str = "") -> Article:
    article = make_article(BODY.format(n), title=f"Cikk {n}")
    spans = {"entity": "Kim Dzsongun", "quote": "minden rendben", "claim": "esik", "source": "TASZSZ"}
    for kind in kinds:
        fields = {"verdict": verdict} if kind == Annotation.Kind.CLAIM else {}
        make_annotation(article, *span_of(article, spans[kind]), author=author, kind=kind, **fields)
    return article


@pytest.mark.django_db
class TestTally:
    def test_it_agrees_with_the_articles_through_every_kind_of_write(self, editor):
        assert_tally_agrees()  # none yet: every count zero
        assert ArticleTally.objects.list_counts()["status"] == {"new": 0, "in_progress": 0, "done": 0}
        plain = annotated(1, editor)
        claimed = annotated(2, editor, "claim", "entity", verdict=Verdict.FALSE)
        quoted = annotated(3, editor, "quote", "source")
        assert_tally_agrees()
        assert ArticleTally.objects.list_counts()["kind"] == {"source": 1, "quote": 1, "claim": 1, "entity": 1}

        # An annotation's change of verdict, its deletion, a second of a kind (no new combination).
        claim = claimed.annotations.get(kind="claim")
        claim.verdict = Verdict.TRUE
        claim.save()
        assert ArticleTally.objects.list_counts()["verdict"]["true"] == 1
        assert ArticleTally.objects.list_counts()["verdict"]["false"] == 0
        quoted.annotations.get(kind="quote").delete()
        make_annotation(plain, *span_of(plain, "TASZSZ"), author=editor, kind="source")
        assert_tally_agrees()

        # Status by the service, by a bulk update, and articles deleted one and many at a time.
        services.update_article(plain, by=editor, title=plain.title, status=Article.Status.DONE)
        Article.objects.filter(pk=quoted.pk).update(status=Article.Status.IN_PROGRESS)
        assert ArticleTally.objects.list_counts()["status"] == {"new": 1, "in_progress": 1, "done": 1}
        assert_tally_agrees()
        claimed.delete()
        assert_tally_agrees()
        Article.objects.all().delete()
        assert_tally_agrees()
        assert sum(ArticleTally.objects.list_counts()["status"].values()) == 0

    def test_an_import_and_its_search_index_step_are_tallied(self, editor):
        text = "date 2025-06-09 Egy cikk szövege, amely {}. Ez a második mondat."
        files = [SeedSource(name=f"{n}.txt", load=lambda n=n: text.format(n).encode()) for n in range(5)]
        assert import_seed_files(files).imported == 5
        fill_search_index()  # an UPDATE of every article imported: no change of combination
        assert ArticleTally.objects.list_counts()["status"]["new"] == 5
        assert ArticleTally.objects.count() == 1  # that UPDATE added nothing
        assert_tally_agrees()

    def test_reading_it_sums_its_rows_up_once_the_triggers_have_added_enough(self, editor, monkeypatch):
        monkeypatch.setattr("articles.models.TALLY_CHANGES_KEPT", 3)
        articles = [annotated(n, editor) for n in range(4)]
        for article in articles:  # new, and with an entity: one combination, then another
            make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, kind="entity")
        assert ArticleTally.objects.filter(summed=False).count() > 3
        counts = ArticleTally.objects.list_counts()
        assert counts == Article.objects.all().list_counts()
        # One summed row per combination that has articles; none for those that had and have none.
        assert list(ArticleTally.objects.values_list("status", "kind_bits", "verdict_bits", "articles", "summed")) == [
            ("new", 8, 0, 4, True)
        ]
        assert ArticleTally.objects.list_counts() == counts

    def test_the_whole_list_counts_from_the_tally_and_a_date_range_from_the_articles(self, client_for, editor):
        annotated(1, editor, "claim", verdict=Verdict.FALSE)
        annotated(2, editor)
        old = annotated(3, editor, "claim", verdict=Verdict.FALSE)
        Article.objects.filter(pk=old.pk).update(published_on="2020-06-01")
        client = client_for(editor)
        with CaptureQueriesContext(connection) as queries:
            whole = client.get(reverse("articles:list"), {"has": "claim"})
        counted = [query["sql"] for query in queries if "FILTER (WHERE" in query["sql"]]
        assert len(counted) == 1 and "articles_tally" in counted[0] and "articles_article" not in counted[0]
        # Each count as if its value were chosen, under the other filters: the progress of the
        # articles with claims, and of the kinds, each among all articles.
        assert whole.context["progress"]["total"] == 2 and whole.context["page"].total == 2
        assert [count for _, _, count, _, _ in whole.context["kinds"]] == [0, 0, 2, 0]
        assert dict((value, count) for value, _, count, _, _ in whole.context["verdicts"])["false"] == 2

        with CaptureQueriesContext(connection) as queries:
            dated = client.get(reverse("articles:list"), {"has": "claim", "published_from": "2025-01-01"})
        counted = [query["sql"] for query in queries if "FILTER (WHERE" in query["sql"]]
        assert len(counted) == 1 and "articles_tally" not in counted[0]
        # The article of 2020 is left out of the range's counts.
        assert dated.context["progress"]["total"] == 1 and dated.context["page"].total == 1
        assert [count for _, _, count, _, _ in dated.context["kinds"]] == [0, 0, 1, 0]

    def test_recount_counts_it_again_after_writes_past_the_triggers(self, editor):
        annotated(1, editor, "quote")
        annotated(2, editor, "claim", verdict=Verdict.MISLEADING)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("UPDATE articles_article SET status = 'done'")
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        assert ArticleTally.objects.list_counts()["status"]["done"] == 0  # the triggers did not see it
        ArticleTally.objects.recount()
        assert ArticleTally.objects.list_counts()["status"] == {"new": 0, "in_progress": 0, "done": 2}
        assert_tally_agrees()

    def test_a_page_is_not_refused_when_summing_up_fails(self, client_for, editor, monkeypatch, caplog):
        def fails(self):
            raise DatabaseError("canceling statement due to statement timeout")

        monkeypatch.setattr("articles.models.TALLY_CHANGES_KEPT", 0)
        monkeypatch.setattr(ArticleTallyManager, "compact", fails)
        annotated(1, editor)
        response = client_for(editor).get(reverse("articles:list"))
        assert response.status_code == 200 and response.context["progress"]["total"] == 1
        assert "The article tally was not summed up." in caplog.text


@pytest.mark.django_db(transaction=True)
class TestTallyAlongsideOthers:
    def test_summing_up_waits_for_no_one_and_leaves_uncommitted_changes_for_later(self, editor):
        make_article(BODY.format("előtte"))
        with open_transaction(lambda: make_article(BODY.format("nyitott"))):
            assert ArticleTally.objects.compact()
            # The committed change summed; the other transaction's, unseen, still there after it.
            assert ArticleTally.objects.filter(summed=True).count() == 1
        assert ArticleTally.objects.filter(summed=False).count() == 1
        assert ArticleTally.objects.list_counts()["status"]["new"] == 2
        assert_tally_agrees()

    def test_one_sums_up_at_a_time(self, editor):
        make_article(BODY.format("egy"))
        make_article(BODY.format("kettő"))
        with open_transaction(lambda: connection.cursor().execute("SELECT pg_advisory_xact_lock(%s)", [TALLY_LOCK])):
            assert not ArticleTally.objects.compact()  # another holds the lock: left to it
        assert ArticleTally.objects.filter(summed=False).count() == 2
        assert ArticleTally.objects.compact()
        assert list(ArticleTally.objects.values_list("articles", "summed")) == [(2, True)]

    def test_truncating_the_articles_empties_it(self, editor):
        annotated(1, editor, "source")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE articles_article CASCADE")
        assert not ArticleTally.objects.exists()
        assert_tally_agrees()


@contextmanager
def open_transaction(work):
    """``work`` done in a transaction of another connection, left open for the block, committed after."""
    done, release = threading.Event(), threading.Event()

    def run() -> None:
        try:
            with transaction.atomic():
                work()
                done.set()
                assert release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert done.wait(10)
        yield
    finally:
        release.set()
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_writers_of_articles_add_to_the_tally_without_waiting_for_each_other(editor):
    """Two transactions each store an article (the same combination) and stay open: the second
    stores its own while the first has not ended. A row per combination, updated in place, would
    keep it waiting for the first's end (here: a lock timeout)."""
    with open_transaction(lambda: make_article(BODY.format("első"))), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        make_article(BODY.format("második"))
    assert ArticleTally.objects.list_counts()["status"]["new"] == 2
    assert_tally_agrees()


@pytest.mark.django_db(transaction=True)
def test_the_migration_tallies_the_articles_already_there(editor):
    # Before the tally: the articles' table as now (0017 adds none of its columns), without triggers.
    migrate_to([("articles", "0016_claim_verdict_bits")])
    annotated(1, editor, "claim", verdict=Verdict.FALSE)
    annotated(2, editor)
    third = annotated(3, editor, "claim", "source", verdict=Verdict.TRUE)
    Article.objects.filter(pk=third.pk).update(status="done")

    call_command("migrate", verbosity=0)

    counts = ArticleTally.objects.list_counts()
    assert counts["status"] == {"new": 2, "in_progress": 0, "done": 1}
    assert counts["kind"] == {"source": 1, "quote": 0, "claim": 2, "entity": 0}
    assert (counts["verdict"]["false"], counts["verdict"]["true"], counts["verdict"]["unverified"]) == (1, 1, 0)
    assert ArticleTally.objects.list_counts(kind="source")["verdict"] == {**dict.fromkeys(Verdict.values, 0), "true": 1}
    assert_tally_agrees()
