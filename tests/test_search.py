"""The search page: what a query finds in Hungarian articles (stems, names with case endings,
words without accents, an entity's other spellings, phrases, exclusions), its groups, order and
snippets, and the header's search box."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation
from articles.searching import MAX_SPELLINGS, START, STOP, marked_snippet, spellings
from search import groups
from search.groups import MOST_COUNTED, Group
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
HTMX = {"HX-Request": "true"}


def article(title: str, body: str, published_on=datetime.date(2025, 6, 9)):
    return make_article(f"{title}. {body}", title=title, published_on=published_on, date_precision="day")


def found_groups(client, query: str) -> dict[str, Group]:
    """The search page's groups for the query, by name."""
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return {group.name: group for group in response.context["groups"]}


def found_titles(client, query: str, **params) -> list[str]:
    """The titles of the articles the search page lists, in its order."""
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    group = next(group for group in response.context["groups"] if group.name == "articles")
    return [row.title for row in group.rows]


@pytest.fixture
def client(client_for, editor):
    return client_for(editor)


class TestHungarian:
    def test_a_stem_finds_other_forms_of_the_word(self, client):
        article("Előrenyomulás", "Az oroszok előrenyomultak a régióban.")
        article("Jelentés", "A hírügynökség jelentette kedden.")
        article("Más", "Semmi köze a dologhoz.")
        assert found_titles(client, "orosz") == ["Előrenyomulás"]
        assert found_titles(client, "hírügynökségnek") == ["Jelentés"]

    def test_a_name_is_found_with_a_case_ending_and_without_capitals(self, client):
        article("Látogatás", "Szergej Sojgunak Phenjanba kellett utaznia.")
        article("Más", "Semmi köze a dologhoz.")
        assert found_titles(client, "Sojgu") == ["Látogatás"]
        assert found_titles(client, "phenjan") == ["Látogatás"]

    def test_words_typed_without_accents_find_them_with_accents(self, client):
        article("Front", "Észak-koreai katonák harcolnak a fronton.")
        article("Más", "Semmi köze a dologhoz.")
        assert found_titles(client, "katonak") == ["Front"]
        assert found_titles(client, "hirugynokseg") == []
        assert found_titles(client, "eszak-koreai") == ["Front"]

    def test_a_catalogued_spelling_finds_the_others(self, client):
        make_entity("Kim Dzsongun")  # 'Kim Jong Un' has the same transliteration key
        article("Tárgyalás", "Putyin Kim Dzsongunnal tárgyalt.")
        article("Más", "Kim Ir Szen szobra áll a téren.")
        assert found_titles(client, "Kim Jong Un") == ["Tárgyalás"]

    def test_a_quoted_phrase_matches_only_as_written(self, client):
        article("Együtt", "Orosz katonák érkeztek a határhoz.")
        article("Külön", "A katonák mellett orosz tisztek is érkeztek.")
        assert set(found_titles(client, "orosz katonák")) == {"Együtt", "Külön"}
        assert found_titles(client, '"orosz katonák"') == ["Együtt"]

    def test_a_quoted_phrase_with_stop_words_has_them_in_its_place(self, client):
        # hungarian drops 'nem', 'minden' and 'a' from vectors and queries: "nem minden áron" was 'ár' alone.
        article("Árak", "Az árak emelkedtek, az áramot is drágábban adják.")
        article("Mondás", "Megoldást szeretnénk, de nem minden áron.")
        article("Sorrend", "Minden áron nem adjuk fel.")
        article("Érkezés", "Végül a katonák is megérkeztek.")
        article("Orosz", "Orosz katonák érkeztek.")
        assert found_titles(client, '"nem minden áron"') == ["Mondás"]
        assert found_titles(client, '"NEM MINDEN ÁRON"') == ["Mondás"]
        assert found_titles(client, '"a katonák"') == ["Érkezés"]
        assert set(found_titles(client, 'katonák -"a katonák"')) == {"Orosz"}
        page = client.get(reverse("articles:list"), {"q": '"nem minden áron"'})
        assert [found.title for found in page.context["page"].object_list] == ["Mondás"]

    def test_a_minus_excludes_a_word(self, client):
        article("Orosz", "Orosz katonák érkeztek.")
        article("Ukrán", "Ukrán katonák érkeztek.")
        assert found_titles(client, "katonák -orosz") == ["Ukrán"]
        assert found_titles(client, 'katonák -"orosz katonák"') == ["Ukrán"]
        assert found_titles(client, "-orosz") == []  # nothing asked for: nothing found

    def test_a_short_word_is_not_the_start_of_every_longer_one(self, client):
        article("Döntés", "A miniszter kimondta a döntést.")
        assert found_titles(client, "kim") == []
        assert found_titles(client, "kimond") == ["Döntés"]

    def test_the_article_list_finds_what_the_search_page_finds(self, client):
        article("Front", "Észak-koreai katonák harcolnak a fronton.")
        article("Más", "Semmi köze a dologhoz.")
        page = client.get(reverse("articles:list"), {"q": "katonak"})
        assert [found.title for found in page.context["page"].object_list] == ["Front"]

    def test_a_long_query_stays_small(self, client):
        article("Piac", "Alma, körte, szilva, barack, dinnye, szőlő, meggy, eper: a katonák ebédje.")
        assert found_titles(client, " ".join(["katonak"] * 25)) == ["Piac"]  # a word repeated counts once
        fruit = "alma körte szilva barack dinnye szőlő meggy eper"
        assert found_titles(client, f"katonak {fruit}") == ["Piac"]
        assert found_titles(client, f"{fruit} katonak") == []  # past the eighth word: as typed

    def test_a_word_without_accents_has_a_bounded_number_of_spellings(self):
        assert "katonák" in spellings("katonak") and spellings("katonak")[-1] == "katonak"
        assert len(spellings("hirugynoksegnek")) <= MAX_SPELLINGS
        assert spellings("aeiouaeiouaeiou") == ["aeiouaeiouaeiou"]  # too many: left as typed
        assert spellings("katonák") == ["katonák"]  # accents typed: meant as typed


class TestArticles:
    def test_the_best_match_comes_first_and_newest_first_on_asking(self, client):
        article("Mellékesen", "A hírek szerint a katonák is ott voltak.", published_on=datetime.date(2025, 6, 10))
        article("Katonák", "Katonák, katonák és katonák: a katonák napja.", published_on=datetime.date(2025, 6, 1))
        assert found_titles(client, "katonák") == ["Katonák", "Mellékesen"]
        assert found_titles(client, "katonák", sort="date") == ["Mellékesen", "Katonák"]

    def test_past_the_ranked_bound_the_best_are_chosen_among_the_newest_and_the_page_says_so(self, client, monkeypatch):
        monkeypatch.setattr(groups, "RANKED_AMONG", 2)
        article("Régi", "Katonák, katonák és katonák: a katonák napja.", published_on=datetime.date(2025, 1, 1))
        article("Újabb", "A hírek szerint a katonák is ott voltak.", published_on=datetime.date(2025, 6, 1))
        article("Legújabb", "Katonák és katonák vonultak.", published_on=datetime.date(2025, 6, 10))
        response = client.get(SEARCH, {"q": "katonák"})
        found = next(group for group in response.context["groups"] if group.name == "articles")
        # The old article matches best, but only the two newest were ranked; all three are counted.
        assert [row.title for row in found.rows] == ["Legújabb", "Újabb"] and found.count == 3
        assert "The best matches of the newest 2 articles found." in response.content.decode()
        by_date = client.get(SEARCH, {"q": "katonák", "sort": "date"})
        assert [row.title for row in by_date.context["groups"][0].rows] == ["Legújabb", "Újabb", "Régi"]
        assert "The best matches of the newest" not in by_date.content.decode()

    def test_up_to_the_ranked_bound_every_article_found_is_ranked(self, client, monkeypatch):
        monkeypatch.setattr(groups, "RANKED_AMONG", 2)
        article("Régi", "Katonák, katonák és katonák: a katonák napja.", published_on=datetime.date(2025, 1, 1))
        article("Újabb", "A hírek szerint a katonák is ott voltak.", published_on=datetime.date(2025, 6, 1))
        response = client.get(SEARCH, {"q": "katonák"})
        assert found_titles(client, "katonák") == ["Régi", "Újabb"]
        assert "The best matches of the newest" not in response.content.decode()

    def test_a_snippet_marks_the_words_found_and_escapes_the_text(self, client):
        make_article(
            "A katonák <scr ipt & „x” elé <script>alert('x')</script> álltak.",
            title="<script>alert('title')</script>",
        )
        content = client.get(SEARCH, {"q": "katonak"}).content.decode()
        assert "<script>alert" not in content and "<scr ipt" not in content
        assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in content
        # ts_headline leaves out what looks like a tag; the rest is escaped around the mark.
        assert "<mark>katonák</mark> &lt;scr ipt &amp; „x” elé  alert(&#x27;x&#x27;)  álltak" in content

    def test_marked_snippet_escapes_everything_but_its_marks(self):
        snippet = marked_snippet(f"<i>a</i> {START}<b>b</b>{STOP} c{STOP}")
        assert snippet == "&lt;i&gt;a&lt;/i&gt; <mark>&lt;b&gt;b&lt;/b&gt;</mark> c"

    def test_see_all_leads_to_the_article_list_with_the_query(self, client):
        article("Front", "Katonák harcolnak.")
        content = client.get(SEARCH, {"q": "katonák"}).content.decode()
        assert 'href="/articles/?q=katon%C3%A1k"' in content


class TestGroups:
    def test_entities_quotes_and_claims_are_found_with_their_counts(self, client, editor):
        kim = make_entity("Kim Dzsongun")
        text = article("Hősök", "„Mind hősök” – mondta Kim Dzsongun. Több mint 12 ezer katona vett részt.")
        make_annotation(text, *span_of(text, "Mind hősök"), kind="quote", author=editor, entity=kim)
        make_annotation(text, *span_of(text, "Több mint 12 ezer katona vett részt"), kind="claim", author=editor)
        response = client.get(SEARCH, {"q": "Kim Jong Un"})
        groups = {group.name: group for group in response.context["groups"]}
        assert [entity.name for entity in groups["entities"].rows] == ["Kim Dzsongun"]
        assert [quote.exact for quote in groups["quotes"].rows] == ["Mind hősök"]
        assert groups["quotes"].count == 1 and groups["claims"].count == 0
        assert f"/quotes/?speaker={kim.pk}" in response.content.decode()

        claims = found_groups(client, "12 ezer katona")
        assert [claim.exact for claim in claims["claims"].rows] == ["Több mint 12 ezer katona vett részt"]

    def test_a_quoted_phrase_finds_the_claims_and_quotes_with_it_and_an_exclusion_is_no_word(self, client, editor):
        text = article("Hősök", "„Mind hősök” – mondta Kim Dzsongun. Több mint 12 ezer katona vett részt.")
        make_annotation(text, *span_of(text, "Mind hősök"), kind="quote", author=editor)
        make_annotation(text, *span_of(text, "Több mint 12 ezer katona vett részt"), kind="claim", author=editor)
        found = found_groups(client, '"katona vett" -béke')
        assert [claim.exact for claim in found["claims"].rows] == ["Több mint 12 ezer katona vett részt"]
        assert found["claims"].count == 1
        found = found_groups(client, '"mind hősök"')
        assert [quote.exact for quote in found["quotes"].rows] == ["Mind hősök"]

    def test_excluded_words_leave_out_the_quotes_claims_and_entities_with_them(self, client, editor):
        putyin, orosz = make_entity("Vlagyimir Putyin"), make_entity("Orosz Állami Hírügynökség", kind="organisation")
        text = article("Tárgyalás", "„Nem minden áron” – mondta Putyin. Az orosz fél minden áron békét akar.")
        make_annotation(text, *span_of(text, "Nem minden áron"), kind="quote", author=editor, entity=putyin)
        make_annotation(text, *span_of(text, "Az orosz fél minden áron békét akar"), kind="claim", author=editor)

        def exacts(group):
            return [row.exact for row in group.rows]

        found = found_groups(client, "minden áron")
        assert exacts(found["quotes"]) == ["Nem minden áron"] and exacts(found["claims"]) != []
        found = found_groups(client, "minden -áron")
        assert exacts(found["quotes"]) == exacts(found["claims"]) == []
        assert found["quotes"].count == found["claims"].count == 0
        found = found_groups(client, 'minden -"nem minden"')
        assert exacts(found["quotes"]) == [] and exacts(found["claims"]) == ["Az orosz fél minden áron békét akar"]
        names = [entity.name for entity in found_groups(client, "orosz -Putyin")["entities"].rows]
        assert names == [orosz.name]

    def test_the_desks_list_what_the_quotes_and_claims_groups_found(self, client, editor):
        text = article("Tárgyalás", "„Nem minden áron” – mondta Putyin. Nem minden áron akarják.")
        make_annotation(text, *span_of(text, "Nem minden áron"), kind="quote", author=editor)
        make_annotation(text, *span_of(text, "Nem minden áron akarják"), kind="claim", author=editor)
        response = client.get(SEARCH, {"q": '"nem minden áron" -béke'})
        html = response.content.decode()
        assert 'href="/quotes/?words=nem+minden+%C3%A1ron"' in html
        assert 'href="/claims/?words=nem+minden+%C3%A1ron"' in html
        desk = client.get("/quotes/", {"words": "nem minden áron"})
        assert [quote.exact for quote in desk.context["page"].object_list] == ["Nem minden áron"]
        desk = client.get("/claims/", {"words": "nem minden áron"})
        assert [claim.exact for claim in desk.context["page"].object_list] == ["Nem minden áron akarják"]

    def test_a_quoted_phrase_alone_finds_whole_words_and_words_typed_find_parts_too(self, client, editor):
        text = article("Harc", "Ezer katona vett részt. Az ezredes szerint harmincnyolc katonavettes volt.")
        make_annotation(text, *span_of(text, "Ezer katona vett részt"), kind="claim", author=editor)
        make_annotation(text, *span_of(text, "harmincnyolc katonavettes volt"), kind="claim", author=editor)

        def claims(q):
            groups = found_groups(client, q)
            return sorted(claim.exact for claim in groups["claims"].rows)

        assert claims("nyolc katonavett") == ["harmincnyolc katonavettes volt"]  # parts of words
        assert claims('"nyolc katonavett"') == []  # not whole words
        assert claims('"harmincnyolc katonavettes"') == ["harmincnyolc katonavettes volt"]
        assert claims('"Katona vett részt"') == ["Ezer katona vett részt"]
        assert claims("katona vett") == ["Ezer katona vett részt"]

    def test_a_quoted_phrase_is_found_only_where_its_first_and_last_words_begin_and_end(self, client, editor):
        text = article("Harc", "A minikatona vett részt, a katona nem. Ezer katona vett részt.")
        make_annotation(text, *span_of(text, "A minikatona vett részt, a katona nem"), kind="claim", author=editor)
        make_annotation(text, *span_of(text, "Ezer katona vett részt"), kind="claim", author=editor)
        found = found_groups(client, '"katona vett részt"')
        # Every word of the phrase is a word of the first claim too, and the phrase is in its text.
        assert [claim.exact for claim in found["claims"].rows] == ["Ezer katona vett részt"]

    def test_a_speaker_past_the_first_matches_of_the_catalogue_is_still_found(self, client, editor, monkeypatch):
        monkeypatch.setattr(groups, "NAMED_AMONG", 3)
        kovacs = [make_entity(f"Kovács {letter}") for letter in "ABCDE"]
        text = article("Hír", "„Megyünk” – mondta Kovács E.")
        make_annotation(text, *span_of(text, "Megyünk"), kind="quote", author=editor, entity=kovacs[-1])
        found = found_groups(client, "Kovács")
        assert [entity.name for entity in found["entities"].rows] == [f"Kovács {letter}" for letter in "ABC"]
        assert found["entities"].count == 5
        assert [quote.exact for quote in found["quotes"].rows] == ["Megyünk"]

    def test_quotes_are_shown_newest_article_first_and_in_text_order(self, client, editor):
        old = article("Régi", "„Első” és „második” – mondta Kim.", published_on=datetime.date(2025, 1, 1))
        new = article("Új", "„Harmadik” – mondta Kim.", published_on=datetime.date(2025, 6, 1))
        for body, words in ((old, "Első"), (old, "második"), (new, "Harmadik")):
            make_annotation(body, *span_of(body, words), kind="quote", author=editor)
        kim = make_entity("Kim")
        Annotation.objects.update(entity=kim)
        found = found_groups(client, "Kim")
        assert [quote.exact for quote in found["quotes"].rows] == ["Harmadik", "Első", "második"]

    def test_a_count_past_the_bound_is_shown_as_more(self):
        assert Group("articles", "Articles", [], MOST_COUNTED + 1).count_display == f"{MOST_COUNTED}+"
        assert Group("articles", "Articles", [], MOST_COUNTED).count_display == str(MOST_COUNTED)

    def test_groups_are_shown_only_to_those_who_may_read_them(self, client_for, editor):
        from django.contrib.auth.models import Permission

        editor.user_permissions.set(Permission.objects.filter(codename="view_article"))
        editor.groups.clear()
        article("Front", "Katonák harcolnak.")
        response = client_for(editor).get(SEARCH, {"q": "katonák"})
        assert [group.name for group in response.context["groups"]] == ["articles"]


class TestPage:
    def test_htmx_gets_the_results_region_only(self, client):
        article("Front", "Katonák harcolnak.")
        fragment = client.get(SEARCH, {"q": "katonák"}, headers=HTMX).content.decode()
        # The page's new title and what was found for the live region (htmx takes both out), then the region.
        title, summary, region = fragment.strip().split("\n", 2)
        assert title == "<title>Search: katonák · Newsroom</title>"
        assert summary == (
            '<span hx-swap-oob="innerHTML:#live-status">Articles: 1, Entities: 0, Quotes: 0, Claims: 0</span>'
        )
        assert region.lstrip().startswith('<div class="list-page search-page" id="search-results">')
        assert "<html" not in fragment and "Front" in fragment
        whole = client.get(SEARCH, {"q": "katonák"}).content.decode()
        assert whole.count("<title>") == 1 and "hx-swap-oob" not in whole

    def test_every_page_has_the_search_box_with_the_query_on_the_search_page(self, client):
        assert 'id="site-search"' in client.get(reverse("articles:list")).content.decode()
        content = client.get(SEARCH, {"q": "katonák"}).content.decode()
        assert 'id="site-search" maxlength="200" autocomplete="off"\n               value="katonák"' in content

    def test_an_empty_query_shows_how_to_search(self, client):
        response = client.get(SEARCH)
        assert response.status_code == 200 and response.context["groups"] == []


class TestCommonWords:
    """Words in most quotes or claims are found by walking them (AnnotationQuerySet.newest_of_first()):
    the same rows as the indexes find, told apart by PostgreSQL's statistics of each kind's text."""

    @pytest.fixture
    def mostly_katona(self, editor):
        """100 claims of soldiers, 20 of couriers and 5 of toy soldiers; 100 quotes of couriers and
        20 of soldiers (over a hundred texts of each kind: PostgreSQL's statistics then sample them
        alone)."""
        soldiers = [f"A(z) {n}. katona vett részt." for n in range(100)]
        couriers = [f"A(z) {n}. futár jött." for n in range(100)]
        # The phrase as part of a longer word: found by the words typed, not as whole words.
        toys = [f"A(z) {n}. minikatona vett részt." for n in range(5)]
        text = article("Sok", " ".join(soldiers + couriers + toys))
        for kind, sentences in (("claim", soldiers + couriers[:20] + toys), ("quote", couriers + soldiers[:20])):
            for sentence in sentences:
                make_annotation(text, *span_of(text, sentence), kind=kind, author=editor)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_annotation")

    def test_a_kind_mostly_containing_words_is_told_by_the_statistics_of_its_own_text(self, mostly_katona):
        assert Annotation.objects.mostly_containing("claim", "katona vett")
        assert Annotation.objects.mostly_containing("claim", "katona vett részt", whole=True)
        assert not Annotation.objects.mostly_containing("claim", "futár")
        assert not Annotation.objects.mostly_containing("quote", "katona vett")
        assert Annotation.objects.mostly_containing("quote", "futár")
        # In most claims as letters, in none as a word: as whole words, not common.
        assert Annotation.objects.mostly_containing("claim", "atona")
        assert not Annotation.objects.mostly_containing("claim", "atona", whole=True)

    @pytest.mark.parametrize(
        "words,whole,count", [("katona vett", False, 105), ("katona vett részt", True, 100), ("atona", False, 105)]
    )
    def test_walking_finds_what_the_indexes_find(self, mostly_katona, words, whole, count):
        def first(walk):
            found = Annotation.objects.containing("claim", words, whole=whole, narrowed=not walk)
            return found.newest_of_first(1000, 5, walk=walk)

        walked, indexed = first(walk=True), first(walk=False)
        assert walked == indexed and walked[0] == count

    @pytest.mark.parametrize("walk", [True, False], ids=["walked", "from the indexes"])
    def test_the_claims_of_the_entity_named_are_found_with_the_words_either_way(self, mostly_katona, editor, walk):
        kim = make_entity("Kim")
        text = article("Más", "Kim szerint esik.")
        claim = make_annotation(text, *span_of(text, "Kim szerint esik"), kind="claim", author=editor, entity=kim)
        found = Annotation.objects.containing("claim", "katona vett", or_of=kim, narrowed=not walk)
        count, first = found.newest_of_first(1000, 5, walk=walk)
        # The newer article's claim first (same date: the later article).
        assert count == 106 and first[0] == claim.pk and len(first) == 5

    def test_the_search_page_walks_the_claims_for_words_in_most_of_them(self, client, mostly_katona):
        with CaptureQueriesContext(connection) as queries:
            found = found_groups(client, '"katona vett részt"')
        assert found["claims"].count == 100 and found["quotes"].count == 20
        assert [claim.exact for claim in found["claims"].rows] == [f"A(z) {n}. katona vett részt." for n in range(5)]
        walks = [
            query["sql"]
            for query in queries.captured_queries
            if "set_config('enable_bitmapscan', 'off'" in query["sql"]
        ]
        assert len(walks) == 1  # the claims only: the phrase is in few of the quotes
