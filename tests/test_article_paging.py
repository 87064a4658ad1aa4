"""The article list a page at a time by each order's key (articles.paging), its counts per filter
value, and the counts each article keeps of its annotations (a trigger, articles 0014)."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from annotations.models import Annotation, Verdict
from articles import views
from articles.models import VERDICT_BITS, Article, DatePrecision
from tests.factories import make_annotation, make_article, span_of

LIST = reverse("articles:list")
LINK = '<a href="([^"]*)" rel="{}">'
PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "ARTICLES_PER_PAGE", PAGE)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [article.title for article in response.context["page"]]


def link(response, rel: str) -> str | None:
    found = re.search(LINK.format(rel), response.content.decode())
    return LIST + unescape(found[1]) if found else None


def walk(client, parameters: dict) -> tuple[list[list[str]], list[list[str]]]:
    """Every page's titles following the "next" links from the first page, then following the
    "previous" links back from the last."""
    response = client.get(LIST, parameters)
    forward = [titles(response)]
    while address := link(response, "next"):
        response = client.get(address)
        forward.append(titles(response))
    backward = [titles(response)]
    while address := link(response, "prev"):
        response = client.get(address)
        backward.append(titles(response))
    return forward, backward[::-1]


def annotate(article: Article, editor, times: int, kind=Annotation.Kind.ENTITY, **fields) -> None:
    words = re.findall(r"\w+", article.body)
    for place in range(times):
        make_annotation(article, *span_of(article, words[place]), author=editor, kind=kind, **fields)


@pytest.fixture
def articles(editor) -> list[Article]:
    """Thirteen articles, many tied on date and on their annotation counts."""
    made = []
    for number in range(13):
        article = make_article(
            f"Cikk {number:02d} címe. Egy kettő három négy öt hat Kim.",
            published_on=datetime.date(2025, 6 if number % 3 else 5, 1),
        )
        annotate(article, editor, number % 3)
        made.append(article)
    return made


def expected(articles: list[Article], key) -> list[str]:
    ordered = sorted((Article.objects.get(pk=article.pk) for article in articles), key=key, reverse=True)
    return [article.title for article in ordered]


def by_date(a: Article):
    return (a.published_on, a.pk)


def by_count(a: Article):
    return (a.annotation_count, a.published_on, a.pk)


def by_recent(a: Article):
    return (a.last_annotated_at or datetime.datetime.min.replace(tzinfo=datetime.UTC), a.published_on, a.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("small_pages")
class TestKeysetPages:
    @pytest.mark.parametrize(("sort", "key"), [("date", by_date), ("annotated", by_count), ("recent", by_recent)])
    def test_next_and_previous_walk_every_order_without_skipping_or_repeating(
        self, client_for, editor, articles, sort, key
    ):
        forward, backward = walk(client_for(editor), {"sort": sort})
        assert [title for page in forward for title in page] == expected(articles, key)
        assert [len(page) for page in forward] == [4, 4, 4, 1]
        assert backward == forward

    def test_relevance_pages_by_rank_then_date_then_id(self, client_for, editor, articles):
        make_article("Kim Kim Kim Kim. Kim Kim.", title="Sok Kim")
        forward, backward = walk(client_for(editor), {"q": "Kim", "sort": "relevance"})
        found = [title for page in forward for title in page]
        assert found[0] == "Sok Kim"
        assert found[1:] == expected(articles, by_date)  # the same rank: ties by date, then id
        assert backward == forward

    def test_a_page_shows_its_number_and_the_total(self, client_for, editor, articles):
        client = client_for(editor)
        second = client.get(link(client.get(LIST), "next"))
        assert "Page 2 of 4 · 13 articles" in second.content.decode()
        assert link(second, "first") == LIST + "?"

    def test_an_article_added_meanwhile_moves_no_one_to_the_next_page(self, client_for, editor, articles):
        client = client_for(editor)
        first = client.get(LIST)
        make_article("Újabb cikk. Szöveg.", title="Újabb", published_on=datetime.date(2026, 1, 1))
        second = client.get(link(first, "next"))
        assert titles(second) == expected(articles, by_date)[4:8]

    def test_the_filters_and_the_order_are_kept_across_pages(self, client_for, editor, articles):
        client = client_for(editor)
        response = client.get(LIST, {"has": "entity", "sort": "annotated"})
        address = link(response, "next")
        assert "has=entity" in address and "sort=annotated" in address
        annotated = [a for a in articles if Article.objects.get(pk=a.pk).entity_count]
        assert titles(response) + titles(client.get(address)) == expected(annotated, by_count)

    def test_an_old_page_number_address_still_counts_pages_from_the_start(self, client_for, editor, articles):
        response = client_for(editor).get(LIST, {"page": 3})
        assert titles(response) == expected(articles, by_date)[8:12]
        assert "Page 3 of 4" in response.content.decode()
        beyond = client_for(editor).get(LIST, {"page": 99})
        assert titles(beyond) == expected(articles, by_date)[12:]  # the last page

    def test_a_place_past_the_last_article_says_there_are_no_more(self, client_for, editor, articles):
        oldest = min(articles, key=lambda a: (a.published_on, a.pk))
        html = (
            client_for(editor).get(LIST, {"after": f"{oldest.published_on.isoformat()}_{oldest.pk}"}).content.decode()
        )
        assert "No more articles: this is past the last page." in html and "No articles match." not in html

    def test_the_download_selects_every_page_not_where_this_one_starts(self, client_for, editor, articles):
        response = client_for(editor).get(link(client_for(editor).get(LIST, {"has": "entity"}), "next"))
        downloads = re.findall(r'href="(/articles/download/[^"]*)"', response.content.decode())
        assert downloads
        for address in downloads:
            assert "after=" not in address and "page=" not in address and "has=entity" in address

    @pytest.mark.parametrize(
        "parameters",
        [
            {"after": "garbage"},
            {"after": "2025-06-01"},
            {"after": "2025-13-01_5"},
            {"after": "2025-06-01_0"},
            {"after": "2025-06-01_99999999999999999999"},
            {"after": "2025-06-01_5_7"},
            {"sort": "annotated", "after": "-1_2025-06-01_5"},
            {"sort": "recent", "after": "2025-06-01T10:00:00_2025-06-01_5"},  # no time zone
            {"sort": "recent", "after": "yesterday_2025-06-01_5"},
            {"sort": "relevance", "q": "Kim", "before": "nan_2025-06-01_5"},
        ],
    )
    def test_a_tampered_place_gets_a_400_that_says_so(self, client_for, editor, parameters):
        response = client_for(editor).get(LIST, parameters)
        assert response.status_code == 400
        name = "after" if "after" in parameters else "before"
        assert response.content.decode() == f"{name}: Not a place in this list: follow the list's own links."

    def test_a_place_written_with_any_time_zone_is_read_not_a_500(self, client_for, editor):
        # PostgreSQL takes offsets up to 15:59 only: the moment is sent in UTC, whatever its offset.
        response = client_for(editor).get(LIST, {"sort": "recent", "after": "2025-06-01T10:00:00-23:00_2025-06-01_5"})
        assert response.status_code == 200
        # One that is no moment in UTC (before year 1) is no place in the list.
        response = client_for(editor).get(LIST, {"sort": "recent", "after": "0001-01-01T00:00:00+01:00_2025-06-01_5"})
        assert response.status_code == 400

    def test_a_page_cannot_start_after_one_row_and_end_before_another(self, client_for, editor):
        response = client_for(editor).get(LIST, {"after": "2025-06-01_5", "before": "2025-06-01_9"})
        assert response.status_code == 400
        assert response.content.decode() == "before: A page starts after one row or ends before one, not both."

    def test_never_annotated_articles_come_last_and_page_among_themselves(self, client_for, editor, articles):
        forward, _ = walk(client_for(editor), {"sort": "recent"})
        found = [title for page in forward for title in page]
        never = {a.title for a in articles if not Article.objects.get(pk=a.pk).annotation_count}
        assert set(found[-len(never) :]) == never


@pytest.mark.django_db
class TestFilterCounts:
    def test_each_value_counts_what_choosing_it_would_list_under_the_other_filters(self, client_for, editor):
        done_claim = make_article("Kész állítás. Egy kettő Kim.", title="A", status="done")
        annotate(done_claim, editor, 1, kind=Annotation.Kind.CLAIM, verdict="false")
        done_quote = make_article("Kész idézet. Egy kettő Kim.", title="B", status="done")
        annotate(done_quote, editor, 1, kind=Annotation.Kind.QUOTE)
        new_claim = make_article("Új állítás. Egy kettő Kim.", title="C")
        annotate(new_claim, editor, 2, kind=Annotation.Kind.CLAIM, verdict="true")
        make_article("Üres. Egy kettő Kim.", title="D", status="done")
        client = client_for(editor)

        response = client.get(LIST, {"status": "done", "has": "claim"})
        assert titles(response) == ["A"]
        context = response.context
        # Statuses among those with claims; kinds among the done ones; verdicts among the done with claims.
        statuses = {v: n for v, _, n, _, _ in context["progress"]["counts"]}
        assert statuses == {"new": 1, "in_progress": 0, "done": 1}
        assert {v: n for v, _, n, _, _ in context["kinds"]} == {"source": 0, "quote": 1, "claim": 1, "entity": 0}
        assert {v: n for v, _, n, _, _ in context["verdicts"] if n} == {"false": 1}
        assert context["page"].total == 1

        # A verdict chosen: the verdicts are counted as if each were chosen instead.
        response = client.get(LIST, {"verdict": "true"})
        assert titles(response) == ["C"]
        assert {v: n for v, _, n, _, _ in response.context["verdicts"] if n} == {"false": 1, "true": 1}
        assert {v: n for v, _, n, _, _ in response.context["kinds"] if n} == {"claim": 1}

    def test_the_values_chosen_are_marked_current_and_no_others(self, client_for, editor):
        annotate(make_article("Állítás. Egy kettő Kim.", title="A"), editor, 1, kind="claim", verdict="false")
        html = client_for(editor).get(LIST, {"has": "claim", "verdict": "false"}).content.decode()
        # The filters' links: each a bare address then, for the chosen values only, the mark.
        links = re.findall(r'<a href="\?[^"]*"( aria-current="true")?>([^<:]+)', html)
        assert sorted(label for mark, label in links if mark) == ["Claim", "False"]
        assert len(links) == len(Annotation.Kind.values) + len(Verdict.values)

    def test_the_verdict_bits_the_counts_test_follow_the_claims(self, editor):
        article = make_article("Állítás. Egy kettő Kim.", title="A")
        annotate(article, editor, 2, kind=Annotation.Kind.CLAIM, verdict="false")

        def bits():
            return Article.objects.values_list("claim_verdict_bits", flat=True).get(pk=article.pk)

        assert bits() == VERDICT_BITS["false"]
        claim = article.annotations.order_by("start").first()
        Annotation.objects.filter(pk=claim.pk).update(verdict="true")
        assert bits() == VERDICT_BITS["false"] | VERDICT_BITS["true"]
        article.annotations.all().delete()
        assert bits() == 0

    def test_the_counts_link_to_the_list_they_count(self, client_for, editor):
        article = make_article("Idézet. Egy kettő Kim.", title="A")
        annotate(article, editor, 1, kind=Annotation.Kind.QUOTE)
        client = client_for(editor)
        html = client.get(LIST, {"status": "new"}).content.decode()
        assert '<a href="?status=new&amp;has=quote">Quote: 1</a>' in html
        # From a later page of a search: the search and the other filters kept, in their order,
        # the value replaced where chosen, the page's place left out (each link starts a list).
        query = "q=K%C3%A9sz+%C3%BAj&has=claim&after=2025-06-01_7&status=new&page=3&verdict=true"
        html = client.get(f"{LIST}?{query}").content.decode()
        assert 'href="?q=K%C3%A9sz+%C3%BAj&amp;has=quote&amp;status=new&amp;verdict=true"' in html
        assert 'href="?q=K%C3%A9sz+%C3%BAj&amp;has=claim&amp;status=done&amp;verdict=true"' in html
        assert 'href="?q=K%C3%A9sz+%C3%BAj&amp;has=claim&amp;status=new&amp;verdict=false"' in html

    def test_who_may_not_read_annotations_sees_no_counts_of_them(self, client_for, editor, django_user_model):
        from django.contrib.auth.models import Permission

        reader = django_user_model.objects.create_user("reader", password="x")
        reader.user_permissions.add(Permission.objects.get(codename="view_article"))
        response = client_for(reader).get(LIST)
        assert response.status_code == 200
        assert "kinds" not in response.context and "With annotations:" not in response.content.decode()


@pytest.mark.django_db
class TestKeptCounts:
    def test_adding_changing_and_deleting_annotations_keep_the_articles_counts(self, editor):
        article = make_article("Egy kettő három négy. Kim.")
        other = make_article("Más cikk. Kim.")
        first = make_annotation(article, *span_of(article, "Egy"), author=editor)
        second = make_annotation(article, *span_of(article, "kettő"), author=editor, kind=Annotation.Kind.QUOTE)
        article.refresh_from_db()
        assert (article.annotation_count, article.entity_count, article.quote_count) == (2, 1, 1)
        assert article.last_annotated_at == second.updated_at

        first.kind = Annotation.Kind.SOURCE
        first.save()
        article.refresh_from_db()
        assert (article.entity_count, article.source_count, article.last_annotated_at) == (0, 1, first.updated_at)

        first.delete()  # the latest gone: the time of the one left
        article.refresh_from_db()
        assert (article.annotation_count, article.source_count, article.last_annotated_at) == (1, 0, second.updated_at)
        second.delete()
        article.refresh_from_db()
        assert (article.annotation_count, article.last_annotated_at) == (0, None)
        other.refresh_from_db()
        assert other.annotation_count == 0

    def test_saving_a_copy_read_before_an_annotation_does_not_take_the_counts_back(self, editor):
        article = make_article("Egy kettő. Kim.")
        stale = Article.objects.get(pk=article.pk)
        make_annotation(article, *span_of(article, "Egy"), author=editor)
        stale.title = "Új cím"
        stale.save()
        article.refresh_from_db()
        assert (article.title, article.annotation_count) == ("Új cím", 1)


@pytest.mark.django_db
class TestRows:
    def test_a_row_escapes_the_title_and_shows_the_counts_kept_on_the_article(self, editor):
        from articles.listing import article_rows
        from articles.views import LISTED_FIELDS

        article = make_article("Cím. Egy kettő Kim.", title='<b>"Cím"</b> & más')
        annotate(article, editor, 2, kind=Annotation.Kind.CLAIM, verdict="true")
        html = article_rows([Article.objects.get(pk=article.pk)])
        assert f'<a href="/articles/{article.pk}/">&lt;b&gt;&quot;Cím&quot;&lt;/b&gt; &amp; más</a>' in html
        assert '<span class="status status-new">New</span>' in html
        assert '<span title="Claims">2 cl</span>' in html and '<span title="Quotes">0 qt</span>' in html
        # The list's own rows, named tuples of the listed fields, make the same row, date included.
        listed = Article.objects.values_list("pk", *LISTED_FIELDS, named=True).get(pk=article.pk)
        assert article_rows([listed]) == html and '<time datetime="2025-06">June 2025</time>' in html

    def test_a_rows_date_is_in_the_language_of_each_page_though_its_forms_are_kept(self):
        from django.utils import translation

        from articles.listing import article_rows

        article = make_article("Cím. Egy kettő.", title="Egy")  # 2025-06, as precise as a month
        dates = []
        for language in ("hu", "en", "hu"):  # each after the other's forms are kept
            with translation.override(language):
                dates.append(re.search(r"<time [^>]*>[^<]*</time>", article_rows([article]))[0])
        hungarian, english = '<time datetime="2025-06">2025. június</time>', '<time datetime="2025-06">June 2025</time>'
        assert dates == [hungarian, english, hungarian]


@pytest.mark.django_db
class TestNewestIds:
    """ArticleQuerySet.newest_ids: the same articles whichever way PostgreSQL is made to find them."""

    @pytest.mark.parametrize("ratio", [0, 10**9], ids=["walking the dates", "sorting the matches"])
    def test_the_newest_matches_newest_first(self, ratio, monkeypatch):
        monkeypatch.setattr("articles.models.WALK_COST_RATIO", ratio)
        made = [
            make_article(
                f"Cikk {n}. {'A katonák' if n % 3 else 'Az eső'} szövege.",
                published_on=datetime.date(2025, 1, 1 + n),
                date_precision=DatePrecision.DAY,
            )
            for n in range(12)
        ]
        found = Article.objects.search("katonák")
        expected = [a.pk for a in sorted((a for a in made if made.index(a) % 3), key=lambda a: a.published_on)][::-1]
        assert found.newest_ids(5) == expected[:5]

    @pytest.mark.parametrize("ratio", [0, 10**9], ids=["walking the key", "from the search index"])
    def test_found_ids_are_the_matches_either_way(self, ratio, monkeypatch):
        monkeypatch.setattr("articles.models.WALK_COST_RATIO", ratio)
        made = [make_article(f"Cikk {n}. {'A katonák' if n % 3 else 'Az eső'} szövege.") for n in range(12)]
        found = Article.objects.search("katonák")
        assert sorted(found.found_ids(100)) == [a.pk for a in made if made.index(a) % 3]
        assert len(found.found_ids(3)) == 3

    def test_the_planner_settings_are_set_back_afterwards(self):
        from django.db import connection

        from newsroom.postgres import planned_without

        settings = "enable_indexscan", "enable_seqscan", "max_parallel_workers_per_gather", "jit"
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in settings))
            before = cursor.fetchone()
        with planned_without("indexscan", "seqscan", "parallel", "jit"), connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in settings))
            assert cursor.fetchone() == ("off", "off", "0", "off")
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in settings))
            assert cursor.fetchone() == before


@pytest.mark.django_db
def test_any_of_is_one_array_parameter_and_finds_what_in_finds():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [make_article(f"Cikk {n}. Szöveg.").pk for n in range(4)]
    chosen = [made[0], made[2], 10**12]  # an id no article has, and a bigint
    with CaptureQueriesContext(connection) as captured:
        found = sorted(Article.objects.filter(pk__any_of=chosen).values_list("pk", flat=True))
    assert found == sorted(Article.objects.filter(pk__in=chosen).values_list("pk", flat=True)) == [made[0], made[2]]
    assert "= ANY(" in captured.captured_queries[0]["sql"]
    assert list(Article.objects.filter(pk__any_of=[])) == []


@pytest.mark.django_db
def test_any_of_takes_values_in_hand_only():
    with pytest.raises(TypeError, match="any_of takes a list"):
        Article.objects.filter(pk__any_of=Article.objects.values("pk"))
