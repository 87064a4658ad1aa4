"""The article list's filters, orders and editorial queue (issue 10)."""

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from articles.models import Article, DatePrecision, Reader
from articles.services import take_next_article
from imports.models import ImportBatch, ImportedFile
from tests.factories import make_annotation, make_article, make_entity, span_of

LIST = reverse("articles:list")
DOWNLOAD = reverse("articles:list-download")
NEXT = reverse("articles:next")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [article.title for article in response.context["page"]]


@pytest.mark.django_db
class TestFilters:
    def test_a_partial_date_is_inside_a_range_only_when_its_whole_period_is(self, client_for, editor):
        make_article("Egy nap. Szöveg.", published_on=datetime.date(2025, 6, 9), date_precision=DatePrecision.DAY)
        make_article("Egy hónap. Szöveg.", published_on=datetime.date(2025, 6, 1), date_precision=DatePrecision.MONTH)
        make_article("Egy év. Szöveg.", published_on=datetime.date(2025, 1, 1), date_precision=DatePrecision.YEAR)
        client = client_for(editor)

        def within(start, end):
            return sorted(titles(client.get(LIST, {"published_from": start, "published_to": end})))

        assert within("2025-06-01", "2025-06-30") == ["Egy hónap", "Egy nap"]
        # June crosses either edge of these, so it might lie outside: left out.
        assert within("2025-06-01", "2025-06-29") == ["Egy nap"]
        assert within("2025-06-02", "2025-07-31") == ["Egy nap"]
        assert within("2025-01-01", "2025-12-31") == ["Egy hónap", "Egy nap", "Egy év"]
        assert within("", "2025-12-30") == ["Egy hónap", "Egy nap"]
        assert within("2025-06-10", "") == []

    def test_it_filters_by_kind_entity_verdict_and_batch_each_article_once(self, client_for, editor, admin):
        kim = make_entity("Kim Dzsongun")
        claimed = make_article("Kim Dzsongun szerint minden rendben. Kim mondta.", title="Állítás")
        make_annotation(claimed, *span_of(claimed, "Kim"), author=editor, entity=kim)
        make_annotation(claimed, *span_of(claimed, "Kim", 1), author=editor, entity=kim)
        make_annotation(
            claimed, *span_of(claimed, "minden rendben"), author=editor, kind=Annotation.Kind.CLAIM, verdict="false"
        )
        quoted = make_article("Valaki azt mondta, hogy esik. Szöveg.", title="Idézet")
        make_annotation(quoted, *span_of(quoted, "esik"), author=editor, kind=Annotation.Kind.QUOTE)
        batch = ImportBatch.objects.create(created_by=admin, uploads="a.txt")
        ImportedFile.objects.create(batch=batch, position=0, name="a.txt", status="imported", article=quoted)
        # Found already there by this batch: imported by another.
        ImportedFile.objects.create(batch=batch, position=1, name="b.txt", status="duplicate", article=claimed)
        client = client_for(editor)

        assert titles(client.get(LIST, {"has": "quote"})) == ["Idézet"]
        assert titles(client.get(LIST, {"entity": kim.pk})) == ["Állítás"]  # two mentions, listed once
        assert titles(client.get(LIST, {"verdict": "false"})) == ["Állítás"]
        assert titles(client.get(LIST, {"verdict": "true"})) == []
        assert titles(client.get(LIST, {"batch": batch.pk})) == ["Idézet"]
        assert titles(client.get(LIST, {"has": "claim", "entity": kim.pk, "q": "rendben"})) == ["Állítás"]
        assert titles(client.get(LIST, {"has": "quote", "entity": kim.pk})) == []

    def test_it_shows_the_entity_it_filters_by_and_keeps_the_filters_across_pages(self, client_for, editor):
        kim = make_entity("Kim Dzsongun")
        for i in range(55):
            article = make_article(f"Cikk {i}. Kim szövege.")
            make_annotation(article, *span_of(article, "Kim"), author=editor, entity=kim)
        html = client_for(editor).get(LIST, {"entity": kim.pk, "has": "entity"}).content.decode()
        assert "Mentions Kim Dzsongun" in html
        assert re.search(f'href="\\?entity={kim.pk}&amp;has=entity&amp;after=[^"]+&amp;page=2" rel="next"', html)

    def test_each_chosen_filters_remove_link_and_each_search_form_is_named(self, client_for, editor, admin):
        kim = make_entity("Kim <Dzsongun>")
        batch = ImportBatch.objects.create(created_by=admin, uploads="a.txt")
        html = client_for(editor).get(LIST, {"entity": kim.pk, "batch": batch.pk}).content.decode()
        labels = re.findall(r'aria-label="(Remove the filter[^"]*)"', html)
        assert labels == [
            "Remove the filter “Mentions Kim &lt;Dzsongun&gt;”",
            f"Remove the filter “Import #{batch.pk}”",
        ]
        forms = re.findall(r'<form [^>]*role="search"[^>]*>', html)
        names = [re.search(r'aria-label="([^"]+)"', form)[1] for form in forms]
        assert names == ["Search everything", "Filter the articles"]

    def test_the_entity_and_the_import_batch_pages_link_to_their_articles(self, client_for, editor, admin):
        kim = make_entity("Kim Dzsongun")
        batch = ImportBatch.objects.create(created_by=admin, uploads="a.txt")
        entity_page = client_for(editor).get(reverse("entities:detail", args=[kim.pk])).content.decode()
        assert f'href="{LIST}?entity={kim.pk}"' in entity_page
        batch_page = client_for(admin).get(reverse("imports:batch", args=[batch.pk])).content.decode()
        assert f'href="{LIST}?batch={batch.pk}"' in batch_page

    def test_the_download_selects_what_the_list_shows(self, client_for, editor):
        kept = make_article("Kim Dzsongun beszélt. Szöveg.", title="Megmarad")
        make_annotation(kept, *span_of(kept, "Kim"), author=editor, kind=Annotation.Kind.QUOTE)
        left = make_article("Más szöveg itt. Kim.", title="Kimarad")
        make_annotation(left, *span_of(left, "Kim"), author=editor)
        response = client_for(editor).get(DOWNLOAD, {"has": "quote", "format": "csv"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Megmarad" in body or str(kept.pk).encode() in body
        assert b"Kimarad" not in body

    @pytest.mark.parametrize(
        ("query", "named"),
        [
            ({"published_from": "2025-13-01"}, "published_from"),
            ({"published_from": "2025-07-01", "published_to": "2025-06-01"}, "published_to"),
            ({"has": "comment"}, "has"),
            ({"entity": "999999"}, "entity"),
            ({"verdict": "maybe"}, "verdict"),
            ({"batch": "x"}, "batch"),
            ({"sort": "random"}, "sort"),
        ],
    )
    def test_a_bad_parameter_answers_400_naming_it(self, client_for, editor, query, named):
        response = client_for(editor).get(LIST, query)
        assert response.status_code == 400
        assert response.content.decode().startswith(f"{named}:")

    def test_it_counts_articles_per_status_and_shows_progress(self, client_for, editor):
        make_article("Egy. Szöveg.", status="done")
        make_article("Kettő. Szöveg.", status="new")
        make_article("Három. Szöveg.", status="new")
        response = client_for(editor).get(LIST, {"status": "new"})
        assert response.context["progress"]["done"] == 1 and response.context["progress"]["total"] == 3
        html = response.content.decode()
        assert "1 of 3 done" in html and "New: 2" in html and "In progress: 0" in html

    def test_a_search_finding_more_than_the_bound_is_listed_without_counts_per_value(
        self, client_for, editor, monkeypatch
    ):
        # Counting per value reads every match; past the bound (1,000; 2 here) the list says
        # "more than" rather than count, yet lists and pages the matches as before.
        monkeypatch.setattr("newsroom.counting.MOST_COUNTED", 2)
        for n in range(3):
            make_article(f"Cím {n}. A katonák vonultak.", status="done" if n else "new")
        make_article("Más. Esik az eső.", status="done")
        client = client_for(editor)

        broad = client.get(LIST, {"q": "katonák"})
        assert len(titles(broad)) == 3
        assert "progress" not in broad.context
        assert (broad.context["page"].total, broad.context["page"].pages) == (None, None)
        html = broad.content.decode()
        assert "More than 2 articles match" in html and "Page 1 · more than 2 articles" in html
        assert [count for _, _, count, _, _ in broad.context["kinds"]] == [None] * 4
        # A chosen status is counted on its own, up to the bound: two done articles are counted.
        done = client.get(LIST, {"q": "katonák", "status": "done"})
        assert len(titles(done)) == 2 and done.context["page"].total == 2
        assert "Page 1 of 1 · 2 articles" in done.content.decode()
        # Up to the bound, every value is counted as before.
        narrow = client.get(LIST, {"q": "eső"})
        assert narrow.context["progress"]["total"] == 1 and narrow.context["page"].total == 1
        # An old address's page number past what was counted: the last page counted, not an
        # OFFSET through every match (nor "No articles match" above the matches).
        far = client.get(LIST, {"q": "katonák", "page": 10**9})
        assert len(titles(far)) == 3 and far.context["page"].number == 1
        assert "No articles match." not in far.content.decode()
        # A search that finds nothing: every count zero.
        nothing = client.get(LIST, {"q": "zsiráf"})
        assert titles(nothing) == [] and nothing.context["progress"]["total"] == 0
        assert "No articles match." in nothing.content.decode()
        # Only exclusions: a search for nothing, counted as zeros too.
        excluded = client.get(LIST, {"q": "-katonák"})
        assert titles(excluded) == [] and excluded.context["progress"]["total"] == 0
        # Without a search, the counts' index answers however many articles there are.
        everything = client.get(LIST)
        assert everything.context["progress"]["total"] == 4 and everything.context["page"].total == 4


@pytest.mark.django_db
class TestSorting:
    def test_it_sorts_by_date_annotations_and_latest_annotation(self, client_for, editor):
        old = make_article("Régi Kim cikk. Kim és Kim.", title="Régi", published_on=datetime.date(2024, 1, 1))
        new = make_article("Új cikk Kim. Szöveg.", title="Új", published_on=datetime.date(2025, 1, 1))
        make_article("Üres cikk. Szöveg.", title="Üres", published_on=datetime.date(2023, 1, 1))
        for i in range(3):
            make_annotation(old, *span_of(old, "Kim", i), author=editor)
        latest = make_annotation(new, *span_of(new, "Kim"), author=editor)
        Annotation.objects.filter(pk=latest.pk).update(updated_at=timezone.now() + datetime.timedelta(minutes=1))
        client = client_for(editor)

        assert titles(client.get(LIST)) == ["Új", "Régi", "Üres"]
        assert titles(client.get(LIST, {"sort": "date"})) == ["Új", "Régi", "Üres"]
        assert titles(client.get(LIST, {"sort": "annotated"})) == ["Régi", "Új", "Üres"]
        assert titles(client.get(LIST, {"sort": "recent"})) == ["Új", "Régi", "Üres"]

    def test_relevance_ranks_by_the_query_and_is_by_date_without_one(self, client_for, editor):
        make_article("Egyszer esik szó a Parlamentről. Más.", title="Egyszer", published_on=datetime.date(2025, 1, 1))
        make_article(
            "Parlament, Parlament, Parlament ülésezett. Parlament.",
            title="Sokszor",
            published_on=datetime.date(2024, 1, 1),
        )
        client = client_for(editor)
        assert titles(client.get(LIST, {"q": "Parlament", "sort": "relevance"})) == ["Sokszor", "Egyszer"]
        assert titles(client.get(LIST, {"sort": "relevance"})) == ["Egyszer", "Sokszor"]


@pytest.mark.django_db
class TestQueue:
    def test_next_takes_the_oldest_new_article_not_opened_by_someone_else(self, client_for, editor, other_editor):
        opened = make_article("Legrégebbi. Szöveg.", published_on=datetime.date(2024, 1, 1))
        make_article("Kész. Szöveg.", published_on=datetime.date(2023, 1, 1), status="done")
        waiting = make_article("Következő. Szöveg.", published_on=datetime.date(2024, 2, 1))
        Reader.objects.create(
            article=opened, user=other_editor, seen_at=timezone.now() - datetime.timedelta(minutes=29)
        )

        response = client_for(editor).post(NEXT)

        assert response.status_code == 302 and response["Location"] == waiting.get_absolute_url()
        assert Reader.objects.filter(article=waiting, user=editor).exists()

    def test_an_article_opened_more_than_30_minutes_ago_is_free_again(self, client_for, editor, other_editor):
        article = make_article("Régen nyitott. Szöveg.")
        Reader.objects.create(
            article=article, user=other_editor, seen_at=timezone.now() - datetime.timedelta(minutes=31)
        )
        assert client_for(editor).post(NEXT)["Location"] == article.get_absolute_url()

    def test_an_empty_queue_says_so_on_the_list(self, client_for, editor):
        make_article("Kész. Szöveg.", status="done")
        response = client_for(editor).post(NEXT, follow=True)
        assert response.redirect_chain[-1][0] == LIST
        assert "No new article is waiting" in response.content.decode()

    def test_it_needs_a_post_and_the_right_to_change_articles(self, client_for, editor, stranger):
        assert client_for(editor).get(NEXT).status_code == 405
        assert client_for(stranger).post(NEXT).status_code == 403

    def test_the_list_offers_the_button_to_editors(self, client_for, editor):
        html = client_for(editor).get(LIST).content.decode()
        assert f'action="{NEXT}"' in html and "csrfmiddlewaretoken" in html


@pytest.mark.django_db(transaction=True)
def test_two_editors_pressing_next_at_once_get_different_articles(editor, other_editor):
    tries = 15
    for _ in range(tries):
        Reader.objects.all().delete()
        Article.objects.all().delete()
        for i in range(3):
            make_article(f"Sorban {i}. Szöveg.", published_on=datetime.date(2024, 1 + i, 1))
        barrier = Barrier(2)

        def press(user, barrier=barrier):
            barrier.wait()
            try:
                return take_next_article(by=user).pk
            finally:
                connection.close()

        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(press, [editor, other_editor])
        assert first != second


@pytest.mark.django_db
def test_filters_by_annotations_are_refused_to_whoever_may_not_read_them(client_for, editor):
    editor.user_permissions.add(Permission.objects.get(codename="view_article"))
    editor.groups.clear()
    client = client_for(editor)
    assert client.get(LIST, {"status": "new"}).status_code == 200
    assert client.get(LIST, {"has": "quote"}).status_code == 403
