"""The quotes desk and the claims desk: what they show, their filters, paging, who may see them,
and setting a verdict in place."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations import services
from annotations.models import Annotation
from articles.models import Article, DatePrecision
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

QUOTES = reverse("desks:quotes")
CLAIMS = reverse("desks:claims")
HTMX = {"HX-Request": "true"}
BODY = (
    "„Hősök voltak, mind egy szálig” – mondta Kim Dzsongun Phenjanban. "
    "Szergej Sojgu azt mondta, hogy a katonák hazatértek. "
    "Több mint 12 ezer katona vett részt a harcokban. A veszteség ezer fő alatt maradt."
)


HEROES, SOLDIERS = "Hősök voltak, mind egy szálig", "12 ezer katonaság"


def article(published_on=datetime.date(2025, 6, 9), precision=DatePrecision.DAY, title="Hősök", body=BODY) -> Article:
    # The title too in the body, so that each article's text (and its hash) is its own.
    return make_article(f"{title}. {body}", title=title, published_on=published_on, date_precision=precision)


def quote(article, words, *, author, speaker=None, quote_type="direct", cue_verb="mondta"):
    return make_annotation(
        article, *span_of(article, words), kind="quote", author=author, entity=speaker, quote_type=quote_type,
        cue_verb=cue_verb,
    )  # fmt: skip


def claim(article, words, *, author, claimant=None, verdict="unverified", **fields):
    return make_annotation(
        article, *span_of(article, words), kind="claim", author=author, entity=claimant, verdict=verdict, **fields
    )


def rows(response) -> list[str]:
    """The words of each row the desk shows, in order."""
    return [
        unescape(words)
        for words in re.findall(r'<td class="words">\s*<q lang="hu">(.*?)</q>', response.content.decode())
    ]


def verdict_url(annotation) -> str:
    return reverse("desks:verdict", args=[annotation.pk])


@pytest.fixture
def kim():
    return make_entity("Kim Dzsongun")


@pytest.fixture
def sojgu():
    return make_entity("Szergej Sojgu")


@pytest.fixture
def reader(db) -> User:
    """Reads articles and annotations, changes their own, and has no role: not a reviewer."""
    user = User.objects.create_user("olvaso")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_article", "view_annotation", "change_annotation"],
            content_type__app_label__in=["articles", "annotations"],
        )
    )
    return user


class TestWhoMaySeeTheDesks:
    @pytest.mark.parametrize("url", [QUOTES, CLAIMS])
    def test_anonymous_visitors_are_sent_to_log_in(self, client, url):
        response = client.get(url, {"verdict": "false"})
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}%3Fverdict%3Dfalse"

    @pytest.mark.parametrize("url", [QUOTES, CLAIMS])
    @pytest.mark.parametrize("htmx", [False, True])
    def test_someone_in_no_group_is_refused(self, client_for, stranger, url, htmx):
        assert client_for(stranger).get(url, headers=HTMX if htmx else {}).status_code == 403

    @pytest.mark.parametrize("url", [QUOTES, CLAIMS])
    def test_reading_articles_without_their_annotations_is_not_enough(self, client_for, url):
        user = User.objects.create_user("cikkolvaso")
        user.user_permissions.add(Permission.objects.get(codename="view_article"))
        assert client_for(user).get(url).status_code == 403

    @pytest.mark.parametrize("url", [QUOTES, CLAIMS])
    @pytest.mark.parametrize("person", ["editor", "admin"])
    def test_editors_and_admins_read_them(self, request, client_for, url, person):
        response = client_for(request.getfixturevalue(person)).get(url)
        assert response.status_code == 200

    def test_the_main_menu_links_to_them_for_those_who_may_read_them(self, client_for, editor):
        html = client_for(editor).get(reverse("articles:list")).content.decode()
        assert f'<a href="{QUOTES}">Quotes</a>' in html and f'<a href="{CLAIMS}">Claims</a>' in html

    def test_the_main_menu_leaves_them_out_for_others(self, client_for):
        user = User.objects.create_user("cikkolvaso")
        user.user_permissions.add(Permission.objects.get(codename="view_article"))
        html = client_for(user).get(reverse("articles:list")).content.decode()
        assert QUOTES not in html and CLAIMS not in html


class TestQuoteDesk:
    def test_it_shows_each_quote_its_speaker_type_cue_verb_article_and_date_linking_to_the_spot(
        self, client_for, editor, kim
    ):
        a = article(title="Kim beszéde")
        direct = quote(a, "Hősök voltak, mind egy szálig", author=editor, speaker=kim)
        quote(a, "a katonák hazatértek", author=editor, quote_type="indirect", cue_verb="")

        html = client_for(editor).get(QUOTES).content.decode()

        assert '<q lang="hu">Hősök voltak, mind egy szálig</q>' in html
        row = html[html.index(f'<tr id="quote-{direct.pk}">') :]
        row = row[: row.index("</tr>")]
        assert "<td>Kim Dzsongun</td>" in row and "<td>Direct</td>" in row and "<td>mondta</td>" in row
        assert f'<a href="/articles/{a.pk}/#a-{direct.pk}" lang="hu">Kim beszéde</a>' in row
        assert '<time datetime="2025-06-09">9 June 2025</time>' in row
        assert "not named" in html and "<td>Indirect</td>" in html  # the other: no speaker yet
        assert "Page 1 of 1 · 2 quotes" in html

    def test_only_quotes_are_listed(self, client_for, editor):
        a = article()
        quote(a, "a katonák hazatértek", author=editor)
        claim(a, "Több mint 12 ezer katona", author=editor)
        make_annotation(a, *span_of(a, "Kim Dzsongun"), author=editor)
        assert rows(client_for(editor).get(QUOTES)) == ["a katonák hazatértek"]

    def test_the_newest_articles_come_first_and_each_ones_quotes_in_text_order(self, client_for, editor):
        old = article(datetime.date(2024, 1, 5), title="Régi")
        new = article(datetime.date(2025, 3, 1), title="Új")
        quote(old, "Hősök voltak", author=editor)
        quote(new, "a katonák hazatértek", author=editor)
        quote(new, "Hősök voltak", author=editor)
        assert rows(client_for(editor).get(QUOTES)) == ["Hősök voltak", "a katonák hazatértek", "Hősök voltak"]

    def test_quote_words_and_names_are_escaped(self, client_for, editor):
        a = article(body="Azt mondta: <b>vége</b> & kész.")
        quote(a, "<b>vége</b> & kész", author=editor, speaker=make_entity("<i>Kim</i>"))
        html = client_for(editor).get(QUOTES).content.decode()
        assert "&lt;b&gt;vége&lt;/b&gt; &amp; kész" in html and "&lt;i&gt;Kim&lt;/i&gt;" in html
        assert "<b>vége" not in html and "<i>Kim" not in html

    def test_it_filters_by_speaker(self, client_for, editor, kim, sojgu):
        a = article()
        quote(a, "Hősök voltak", author=editor, speaker=kim)
        quote(a, "a katonák hazatértek", author=editor, speaker=sojgu, quote_type="indirect")
        response = client_for(editor).get(QUOTES, {"speaker": sojgu.pk})
        assert rows(response) == ["a katonák hazatértek"]
        html = response.content.decode()
        assert "Quotes of <strong>Szergej Sojgu</strong>" in html
        assert f'<input type="hidden" name="speaker" value="{sojgu.pk}">' in html  # kept by the next filter
        assert '<a href="?">Any speaker</a>' in html

    def test_a_name_typed_finds_the_speaker_and_the_address_names_it_by_id(self, client_for, editor, sojgu):
        quote(article(), "a katonák hazatértek", author=editor, speaker=sojgu, quote_type="indirect")
        response = client_for(editor).get(QUOTES, {"speaker_name": "  sojgunak ", "type": "indirect", "page": "3"})
        # Accents, case and the Hungarian case ending aside, as the entity lookup matches.
        assert response.status_code == 302
        assert response["Location"] == f"{QUOTES}?type=indirect&speaker={sojgu.pk}"

    def test_a_name_typed_finds_only_entities_that_speak(self, client_for, editor, kim):
        make_entity("Kim", kind="organisation")  # its name is exactly the one typed, but it never spoke
        quote(article(), "Hősök voltak", author=editor, speaker=kim)
        response = client_for(editor).get(QUOTES, {"speaker_name": "Kim"})
        assert response["Location"] == f"{QUOTES}?speaker={kim.pk}"

    def test_a_name_typed_replaces_the_speaker_chosen_before(self, client_for, editor, kim, sojgu):
        a = article()
        quote(a, "Hősök voltak", author=editor, speaker=kim)
        quote(a, "a katonák hazatértek", author=editor, speaker=sojgu)
        response = client_for(editor).get(QUOTES, {"speaker": kim.pk, "speaker_name": "Sojgu"})
        assert response["Location"] == f"{QUOTES}?speaker={sojgu.pk}"

    def test_htmx_follows_the_redirect_and_gets_the_desk(self, client_for, editor, kim):
        quote(article(), "Hősök voltak", author=editor, speaker=kim)
        response = client_for(editor).get(QUOTES, {"speaker_name": "Kim Dzsongun"}, headers=HTMX, follow=True)
        assert response.redirect_chain == [(f"{QUOTES}?speaker={kim.pk}", 302)]
        assert response.content.decode().strip().startswith('<div id="quote-desk">')
        assert rows(response) == ["Hősök voltak"]

    def test_a_name_nobody_matches_shows_no_quotes_and_says_so(self, client_for, editor, kim):
        quote(article(), "Hősök voltak", author=editor, speaker=kim)
        response = client_for(editor).get(QUOTES, {"speaker_name": "Zelenszkij"})
        assert response.status_code == 200 and rows(response) == []
        html = response.content.decode()
        assert "No speaker matches “Zelenszkij”." in html
        assert 'value="Zelenszkij"' in html  # left in the field, to correct

    @pytest.mark.parametrize(("quote_type", "expected"), [("direct", ["Hősök voltak"]), ("indirect", ["hazatértek"])])
    def test_it_filters_direct_or_indirect(self, client_for, editor, quote_type, expected):
        a = article()
        quote(a, "Hősök voltak", author=editor, quote_type="direct")
        quote(a, "hazatértek", author=editor, quote_type="indirect")
        assert rows(client_for(editor).get(QUOTES, {"type": quote_type})) == expected

    @pytest.mark.parametrize("words", ["hősök", "HOSOK VOLTAK", "egy SZÁLIG", "Hosok"])
    def test_words_in_the_quote_are_found_whatever_their_case_and_accents(self, client_for, editor, words):
        a = article()
        quote(a, "Hősök voltak, mind egy szálig", author=editor)
        quote(a, "a katonák hazatértek", author=editor)
        assert rows(client_for(editor).get(QUOTES, {"words": words})) == ["Hősök voltak, mind egy szálig"]

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("ősök voltak", [HEROES]),  # the first word the end of one, the last a whole one
            ("mind egy szál", [HEROES]),  # the last word the start of one
            ("MIND EGY SZÁLIG", [HEROES]),
            ("voltak, mind egy", [HEROES]),  # punctuation: the trigram index alone
            ("12 ezer katona", [SOLDIERS]),  # digits are words too
            ("mind eg szálig", []),  # an inner word must be whole
            ("voltak mind", []),  # as typed: the comma is not there
            ("egy szálig mind", []),
        ],
    )
    def test_several_words_are_found_as_typed_through_the_word_index(self, client_for, editor, words, expected):
        a = article(body=f"Azt mondta: {HEROES}. Más szerint {SOLDIERS} volt.")
        quote(a, HEROES, author=editor)
        quote(a, SOLDIERS, author=editor)
        assert rows(client_for(editor).get(QUOTES, {"words": words})) == expected

    @pytest.mark.parametrize("words", ["%", "_", "\\"])
    def test_wildcards_typed_are_taken_as_written(self, client_for, editor, words):
        quote(article(), "Hősök voltak", author=editor)
        assert rows(client_for(editor).get(QUOTES, {"words": words})) == []

    def test_words_are_found_in_the_quote_only(self, client_for, editor):
        a = article()
        quote(a, "a katonák hazatértek", author=editor)
        assert rows(client_for(editor).get(QUOTES, {"words": "Sojgu"})) == []  # elsewhere in the article

    def test_the_date_range_is_the_articles_publication_as_precise_as_it_is_known(self, client_for, editor):
        for day, precision, words in [
            (datetime.date(2025, 6, 9), DatePrecision.DAY, "Hősök voltak"),  # 9 June 2025
            (datetime.date(2025, 6, 1), DatePrecision.MONTH, "hazatértek"),  # June 2025
            (datetime.date(2025, 1, 1), DatePrecision.YEAR, "mind egy szálig"),  # 2025
            (datetime.date(2025, 6, 20), DatePrecision.DAY, "12 ezer katona"),  # 20 June 2025
            (datetime.date(2025, 5, 1), DatePrecision.MONTH, "A veszteség"),  # May 2025
        ]:
            quote(article(day, precision, title=words), words, author=editor)
        client = client_for(editor)

        def found(**dates) -> set[str]:
            return set(rows(client.get(QUOTES, dates)))

        # From 5 June to 10 June: the day, and the month and year that may include it.
        assert found(since="2025-06-05", until="2025-06-10") == {"Hősök voltak", "hazatértek", "mind egy szálig"}
        assert found(since="2025-06-10") == {"12 ezer katona", "hazatértek", "mind egy szálig"}
        assert found(until="2025-05-31") == {"A veszteség", "mind egy szálig"}
        assert found(since="2026-01-01") == set()

    def test_filters_combine_and_survive_paging(self, client_for, editor, kim, sojgu):
        for i in range(55):
            a = article(datetime.date(2025, 6, 1) + datetime.timedelta(days=i % 20), title=f"Cikk {i}")
            quote(a, "Hősök voltak", author=editor, speaker=kim)
            quote(a, "hazatértek", author=editor, speaker=sojgu)
            quote(a, "mind egy szálig", author=editor, speaker=kim, quote_type="indirect")
        quote(article(datetime.date(2024, 1, 1), title="Régi"), "Hősök voltak", author=editor, speaker=kim)
        filters = {"speaker": kim.pk, "type": "direct", "words": "hősök", "since": "2025-01-01"}
        client = client_for(editor)

        first = client.get(QUOTES, filters)
        html = first.content.decode()
        assert "Page 1 of 2 · 55 quotes" in html
        query = f"?speaker={kim.pk}&amp;type=direct&amp;words=h%C5%91s%C3%B6k&amp;since=2025-01-01"
        assert f'<a href="{query}&amp;page=2" rel="next">' in html

        second = client.get(QUOTES, {**filters, "page": 2})
        assert rows(second) == ["Hősök voltak"] * 5
        assert 'value="hősök"' in second.content.decode() and 'value="2025-01-01"' in second.content.decode()

    def test_a_page_past_the_last_shows_the_last(self, client_for, editor):
        quote(article(), "Hősök voltak", author=editor)
        assert client_for(editor).get(QUOTES, {"page": "9" * 30}).context["page"].number == 1

    def test_an_htmx_request_gets_the_desk_region_only(self, client_for, editor):
        quote(article(), "Hősök voltak", author=editor)
        response = client_for(editor).get(QUOTES, {"type": "direct"}, headers=HTMX)
        html = response.content.decode()
        assert html.strip().startswith('<div id="quote-desk">') and "<html" not in html
        assert rows(response) == ["Hősök voltak"]
        # The language a page speaks depends on Accept-Language (and the cookie) too: README, "Languages".
        assert response["Vary"] == "HX-Request, HX-History-Restore-Request, Accept-Language, Cookie"

    def test_restoring_history_gets_the_whole_page(self, client_for, editor):
        headers = {**HTMX, "HX-History-Restore-Request": "true"}
        assert "<html" in client_for(editor).get(QUOTES, headers=headers).content.decode()

    def test_an_empty_desk_says_whether_filters_left_nothing(self, client_for, editor):
        client = client_for(editor)
        assert "No quotes yet." in client.get(QUOTES).content.decode()
        assert "No quotes match." in client.get(QUOTES, {"words": "semmi"}).content.decode()

    def test_it_fetches_a_page_in_a_fixed_number_of_queries(self, client_for, editor, kim, django_assert_num_queries):
        client = client_for(editor)
        filters = {"speaker": kim.pk, "words": "hős", "since": "2025-01-01", "until": "2025-12-31"}
        quote(article(title="Első"), "Hősök voltak", author=editor, speaker=kim)
        # session, user, the user's permissions (accounts.backends), the speaker, count, page
        with django_assert_num_queries(6):
            assert len(rows(client.get(QUOTES, filters))) == 1
        for i in range(60):
            a = article(title=f"Cikk {i}")
            quote(a, "Hősök voltak", author=editor if i % 2 else User.objects.create_user(f"u{i}"), speaker=kim)
        with django_assert_num_queries(6):
            assert len(rows(client.get(QUOTES, filters))) == 50
        with django_assert_num_queries(5):  # without a speaker
            assert len(rows(client.get(QUOTES))) == 50


class TestClaimDesk:
    def test_it_shows_each_claim_with_claimant_verdict_note_evidence_and_who_set_the_verdict(
        self, client_for, editor, other_editor, kim
    ):
        a = article(title="Katonák")
        checked = claim(
            a,
            "Több mint 12 ezer katona",
            author=other_editor,
            claimant=kim,
            verdict="misleading",
            note="A szám <b>túlzó</b>.",
            evidence=["https://example.org/jelentes?a=1&b=2"],
            verdict_set_by=editor,
            verdict_set_at=datetime.datetime(2025, 6, 10, 12, 30, tzinfo=datetime.UTC),
        )
        claim(a, "A veszteség ezer fő alatt maradt", author=other_editor)

        html = client_for(editor).get(CLAIMS).content.decode()

        row = html[html.index(f'<tr id="claim-{checked.pk}">') :]
        row = row[: row.index("</tr>")]
        assert '<q lang="hu">Több mint 12 ezer katona</q>' in row and "<td>Kim Dzsongun</td>" in row
        assert '<p class="note">A szám &lt;b&gt;túlzó&lt;/b&gt;.</p>' in row
        assert '<a href="https://example.org/jelentes?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">' in row
        assert '<option value="misleading" selected>Misleading</option>' in row
        # In the newsroom's time zone (Europe/Budapest: summer time, UTC+2).
        assert 'Set by erika, <time datetime="2025-06-10T14:30:00+02:00">10 Jun 2025 14:30</time>' in row
        assert f'<a href="/articles/{a.pk}/#a-{checked.pk}" lang="hu">Katonák</a>' in row
        assert "Not reviewed yet" in html  # the other claim

    def test_unverified_claims_come_first_then_the_newest_articles(self, client_for, editor):
        old, new = article(datetime.date(2024, 1, 1), title="Régi"), article(datetime.date(2025, 1, 1), title="Új")
        claim(new, "Több mint 12 ezer katona", author=editor, verdict="false")
        claim(old, "A veszteség ezer fő alatt maradt", author=editor)
        claim(new, "a katonák hazatértek", author=editor)
        claim(old, "Hősök voltak", author=editor, verdict="true")
        client = client_for(editor)
        assert rows(client.get(CLAIMS)) == [
            "a katonák hazatértek",
            "A veszteség ezer fő alatt maradt",
            "Több mint 12 ezer katona",
            "Hősök voltak",
        ]
        assert rows(client.get(CLAIMS, {"order": "newest"})) == [
            "a katonák hazatértek",
            "Több mint 12 ezer katona",
            "Hősök voltak",
            "A veszteség ezer fő alatt maradt",
        ]

    def test_only_claims_are_listed(self, client_for, editor):
        a = article()
        claim(a, "Több mint 12 ezer katona", author=editor)
        quote(a, "Hősök voltak", author=editor)
        assert rows(client_for(editor).get(CLAIMS)) == ["Több mint 12 ezer katona"]

    def test_it_filters_by_verdict_and_counts_every_verdict_under_the_other_filters(
        self, client_for, editor, kim, sojgu
    ):
        a = article()
        claim(a, "Több mint 12 ezer katona", author=editor, claimant=kim, verdict="false")
        claim(a, "A veszteség ezer fő alatt maradt", author=editor, claimant=kim, verdict="false")
        claim(a, "a katonák hazatértek", author=editor, claimant=kim)
        claim(a, "Hősök voltak", author=editor, claimant=sojgu, verdict="false")  # not Kim's

        response = client_for(editor).get(CLAIMS, {"claimant": kim.pk, "verdict": "false"})

        assert rows(response) == ["Több mint 12 ezer katona", "A veszteség ezer fő alatt maradt"]
        html = response.content.decode()
        counts = html[html.index('<nav id="verdict-counts"') :]
        counts = counts[: counts.index("</nav>")]
        assert f'<a href="?claimant={kim.pk}">All <span class="count">3</span></a>' in counts
        assert (
            f'<a href="?claimant={kim.pk}&amp;verdict=false" class="verdict-false" aria-current="page">'
            'False <span class="count">2</span></a>'
        ) in counts
        assert 'Unverified <span class="count">1</span>' in counts and 'True <span class="count">0</span>' in counts
        assert "Page 1 of 1 · 2 claims" in html

    def test_it_filters_by_claimant_found_by_name(self, client_for, editor, kim):
        claim(article(), "Több mint 12 ezer katona", author=editor, claimant=kim)
        response = client_for(editor).get(CLAIMS, {"claimant_name": "kim dzsongunnak", "verdict": "unverified"})
        assert response["Location"] == f"{CLAIMS}?verdict=unverified&claimant={kim.pk}"
        response = client_for(editor).get(response["Location"])
        assert rows(response) == ["Több mint 12 ezer katona"]
        assert "Claims of <strong>Kim Dzsongun</strong>" in response.content.decode()

    def test_a_claimant_name_nobody_matches_shows_no_claims_and_no_counts(self, client_for, editor, kim):
        claim(article(), "Több mint 12 ezer katona", author=editor, claimant=kim)
        response = client_for(editor).get(CLAIMS, {"claimant_name": "Zelenszkij"})
        assert rows(response) == []
        html = response.content.decode()
        assert "No claimant matches “Zelenszkij”." in html and 'All <span class="count">0</span>' in html

    def test_words_in_the_claim_are_found_as_typed_and_the_counts_follow_them(self, client_for, editor):
        a = article()
        claim(a, "Több mint 12 ezer katona vett részt", author=editor, verdict="false")
        claim(a, "a katonák hazatértek", author=editor)
        claim(a, "Hősök voltak", author=editor, verdict="false")
        response = client_for(editor).get(CLAIMS, {"words": "KATONA", "verdict": "false"})
        assert rows(response) == ["Több mint 12 ezer katona vett részt"]
        html = response.content.decode()
        assert 'All <span class="count">2</span>' in html and 'False <span class="count">1</span>' in html
        assert rows(client_for(editor).get(CLAIMS, {"words": "katonak haza"})) == ["a katonák hazatértek"]

    def test_it_filters_by_the_articles_publication_date(self, client_for, editor):
        claim(article(datetime.date(2025, 6, 9), title="Június"), "Több mint 12 ezer katona", author=editor)
        claim(article(datetime.date(2025, 7, 1), DatePrecision.MONTH, title="Július"), "Hősök voltak", author=editor)
        response = client_for(editor).get(CLAIMS, {"since": "2025-07-15"})
        assert rows(response) == ["Hősök voltak"]
        assert 'All <span class="count">1</span>' in response.content.decode()

    def test_filters_survive_paging_and_the_counts_links(self, client_for, editor, kim):
        for i in range(51):
            claim(article(title=f"Cikk {i}"), "Több mint 12 ezer katona", author=editor, claimant=kim)
        html = client_for(editor).get(CLAIMS, {"claimant": kim.pk, "since": "2025-01-01"}).content.decode()
        assert "Page 1 of 2 · 51 claims" in html
        assert f'<a href="?claimant={kim.pk}&amp;since=2025-01-01&amp;page=2" rel="next">' in html
        assert f'href="?claimant={kim.pk}&amp;since=2025-01-01&amp;verdict=false"' in html  # the page dropped
        second = client_for(editor).get(CLAIMS, {"claimant": kim.pk, "since": "2025-01-01", "page": 2})
        assert len(rows(second)) == 1

    def test_the_verdict_can_be_set_on_any_claim_by_an_editor(self, client_for, editor, other_editor):
        claim(article(), "Több mint 12 ezer katona", author=other_editor)
        html = client_for(editor).get(CLAIMS).content.decode()
        assert '<select name="verdict" id="verdict-' in html
        assert 'name="csrfmiddlewaretoken"' in html and f'<input type="hidden" name="next" value="{CLAIMS}">' in html

    def test_someone_who_may_not_review_sees_others_verdicts_read_only(self, client_for, reader, editor):
        a = article()
        claim(a, "Több mint 12 ezer katona", author=editor, verdict="false")
        claim(a, "Hősök voltak", author=reader)
        html = client_for(reader).get(CLAIMS).content.decode()
        assert '<span class="verdict verdict-false">False</span>' in html
        assert html.count('<form class="verdict-form"') == 1  # their own

    def test_an_htmx_request_gets_the_desk_region_only(self, client_for, editor):
        claim(article(), "Több mint 12 ezer katona", author=editor)
        response = client_for(editor).get(CLAIMS, {"verdict": "unverified"}, headers=HTMX)
        html = response.content.decode()
        assert html.strip().startswith('<div id="claim-desk">') and "<html" not in html
        assert '<nav id="verdict-counts"' in html and rows(response) == ["Több mint 12 ezer katona"]

    def test_an_empty_desk_says_whether_filters_left_nothing(self, client_for, editor):
        client = client_for(editor)
        assert "No claims yet." in client.get(CLAIMS).content.decode()
        assert "No claims match." in client.get(CLAIMS, {"verdict": "false"}).content.decode()

    def test_it_fetches_a_page_in_a_fixed_number_of_queries(
        self, client_for, editor, other_editor, kim, django_assert_num_queries
    ):
        client = client_for(editor)
        claim(article(title="Első"), "Több mint 12 ezer katona", author=editor, claimant=kim)
        # session, user, the user's permissions, the claimant, counts per verdict (which give the
        # number of rows: no count query), the page with claimants, articles and reviewers
        with django_assert_num_queries(6):
            assert len(rows(client.get(CLAIMS, {"claimant": kim.pk, "since": "2025-01-01"}))) == 1
        for i in range(60):
            a = article(title=f"Cikk {i}")
            reviewer = User.objects.create_user(f"u{i}")
            claim(a, "Több mint 12 ezer katona", author=other_editor, claimant=kim, verdict="false",
                  verdict_set_by=reviewer, verdict_set_at=datetime.datetime.now(datetime.UTC))  # fmt: skip
        with django_assert_num_queries(6):
            assert len(rows(client.get(CLAIMS, {"claimant": kim.pk, "since": "2025-01-01"}))) == 50
        with django_assert_num_queries(5):
            assert len(rows(client.get(CLAIMS, {"verdict": "false"}))) == 50


class TestBadParameters:
    @pytest.mark.parametrize(
        ("url", "parameters", "message"),
        [
            (QUOTES, {"type": "both"}, "type: Select a valid choice. both is not one of the available choices."),
            (QUOTES, {"since": "2025-13-01"}, "since: Enter a valid date."),
            (QUOTES, {"until": "tegnap"}, "until: Enter a valid date."),
            (QUOTES, {"page": "0"}, "page: Ensure this value is greater than or equal to 1."),
            (QUOTES, {"page": "2x"}, "page: Enter a whole number."),
            (QUOTES, {"words": "hős\x00"}, "words: Null characters are not allowed."),
            (QUOTES, {"words": "x" * 201}, "words: Ensure this value has at most 200 characters (it has 201)."),
            (QUOTES, {"speaker": "Kim"}, "speaker: There is no entity with this id."),
            (QUOTES, {"speaker": "999999"}, "speaker: There is no entity with this id."),
            (QUOTES, {"speaker": "99999999999999999999999"}, "speaker: There is no entity with this id."),
            (QUOTES, {"speaker": "1\x00"}, "speaker: Null characters are not allowed."),
            (QUOTES, {"speaker_name": "Kim\x00"}, "speaker_name: Null characters are not allowed."),
            (
                QUOTES,
                {"since": "2025-06-10", "until": "2025-06-01"},
                "until: The end of the date range comes before its start.",
            ),
            (
                CLAIMS,
                {"verdict": "maybe"},
                "verdict: Select a valid choice. maybe is not one of the available choices.",
            ),
            (CLAIMS, {"order": "oldest"}, "order: Select a valid choice. oldest is not one of the available choices."),
            (CLAIMS, {"claimant": "-1"}, "claimant: There is no entity with this id."),
            (
                CLAIMS,
                {"claimant_name": "x" * 201},
                "claimant_name: Ensure this value has at most 200 characters (it has 201).",
            ),
            (CLAIMS, {"since": "2025-02-30"}, "since: Enter a valid date."),
            (CLAIMS, {"page": "-3"}, "page: Ensure this value is greater than or equal to 1."),
        ],
    )
    def test_they_get_a_400_that_names_the_problem(self, client_for, editor, url, parameters, message):
        response = client_for(editor).get(url, parameters)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == message


class TestSettingAVerdict:
    @pytest.fixture
    def others(self, other_editor):
        """Another editor's claim, as fact-checkers find them."""
        return claim(article(), "Több mint 12 ezer katona", author=other_editor)

    def test_an_editor_sets_the_verdict_of_anothers_claim_and_gets_the_row_and_the_counts(
        self, client_for, editor, others
    ):
        article_before = Article.objects.get(pk=others.article_id).annotation_version
        response = client_for(editor).post(
            verdict_url(others), {"verdict": "false", "next": f"{CLAIMS}?verdict=unverified"}, headers=HTMX
        )

        assert response.status_code == 200
        others.refresh_from_db()
        assert (others.verdict, others.verdict_set_by) == ("false", editor)
        assert others.verdict_set_at is not None
        html = response.content.decode()
        assert html.strip().startswith(f'<tr id="claim-{others.pk}">')
        assert '<option value="false" selected>False</option>' in html and "Set by erika, <time" in html
        assert f'<input type="hidden" name="next" value="{CLAIMS}?verdict=unverified">' in html
        # The counts under the page's filters, the page's verdict filter kept in their links.
        assert '<nav id="verdict-counts" class="verdict-counts" aria-label="Verdicts" hx-swap-oob="true"' in html
        assert '<a href="?verdict=false" class="verdict-false">False <span class="count">1</span></a>' in html
        assert 'aria-current="page">Unverified <span class="count">0</span>' in html
        # The article page sees the change (its annotation version went up).
        assert Article.objects.get(pk=others.article_id).annotation_version == article_before + 1

    def test_the_counts_that_come_back_keep_the_pages_filters(self, client_for, editor, others, kim):
        claim(article(title="Másik"), "Hősök voltak", author=editor, claimant=kim, verdict="false")
        response = client_for(editor).post(
            verdict_url(others), {"verdict": "true", "next": f"{CLAIMS}?claimant={kim.pk}"}, headers=HTMX
        )
        html = response.content.decode()
        assert 'True <span class="count">0</span>' in html and 'False <span class="count">1</span>' in html

    def test_without_htmx_it_goes_back_to_the_desk_as_it_was(self, client_for, editor, others):
        back = f"{CLAIMS}?verdict=unverified&since=2025-01-01&page=2"
        response = client_for(editor).post(verdict_url(others), {"verdict": "true", "next": back})
        assert response.status_code == 302
        assert response["Location"] == f"{back}#claim-{others.pk}"
        others.refresh_from_db()
        assert others.verdict == "true"

    @pytest.mark.parametrize(
        "elsewhere", ["https://evil.example/claims/", "//evil.example/claims/", "/articles/", "javascript:alert(1)", ""]
    )
    def test_it_goes_back_to_the_claims_desk_only(self, client_for, editor, others, elsewhere):
        response = client_for(editor).post(verdict_url(others), {"verdict": "true", "next": elsewhere})
        assert response["Location"] == f"{CLAIMS}#claim-{others.pk}"

    def test_the_same_verdict_again_changes_and_records_nothing(self, client_for, editor, admin, others):
        client_for(admin).post(verdict_url(others), {"verdict": "false"}, headers=HTMX)
        others.refresh_from_db()
        recorded, version = others.verdict_set_at, Article.objects.get(pk=others.article_id).annotation_version
        response = client_for(editor).post(verdict_url(others), {"verdict": "false"}, headers=HTMX)
        assert response.status_code == 200
        others.refresh_from_db()
        assert (others.verdict_set_by, others.verdict_set_at) == (admin, recorded)
        assert Article.objects.get(pk=others.article_id).annotation_version == version

    def test_an_admin_sets_any_verdict(self, client_for, admin, others):
        assert client_for(admin).post(verdict_url(others), {"verdict": "half_true"}).status_code == 302
        others.refresh_from_db()
        assert (others.verdict, others.verdict_set_by) == ("half_true", admin)

    def test_someone_who_may_not_review_sets_only_their_own(self, client_for, reader, others):
        own = claim(article(title="Saját"), "Hősök voltak", author=reader)
        client = client_for(reader)
        assert client.post(verdict_url(own), {"verdict": "true"}).status_code == 302
        refused = client.post(verdict_url(others), {"verdict": "true"}, headers=HTMX)
        assert refused.status_code == 403
        assert refused.content.decode() == "You may not set the verdict of this claim."
        others.refresh_from_db()
        assert (others.verdict, others.verdict_set_by) == ("unverified", None)

    @pytest.mark.parametrize("htmx", [False, True])
    def test_someone_in_no_group_is_refused(self, client_for, stranger, others, htmx):
        response = client_for(stranger).post(verdict_url(others), {"verdict": "true"}, headers=HTMX if htmx else {})
        assert response.status_code == 403
        others.refresh_from_db()
        assert others.verdict == "unverified"

    def test_anonymous_visitors_are_sent_to_log_in(self, client, others):
        response = client.post(verdict_url(others), {"verdict": "true"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        others.refresh_from_db()
        assert others.verdict == "unverified"

    def test_a_request_without_its_csrf_token_is_refused(self, editor, others):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.post(verdict_url(others), {"verdict": "true"}, headers=HTMX).status_code == 403
        others.refresh_from_db()
        assert others.verdict == "unverified"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"verdict": "maybe"}, "verdict: Select a valid choice. maybe is not one of the available choices."),
            ({}, "verdict: This field is required."),
            ({"verdict": "true\x00"}, "verdict: Select a valid choice. true\x00 is not one of the available choices."),
            (
                {"verdict": "true", "next": "/" * 2001},
                "next: Ensure this value has at most 2000 characters (it has 2001).",
            ),
        ],
    )
    def test_a_bad_verdict_gets_a_400_that_names_the_problem(self, client_for, editor, others, data, message):
        response = client_for(editor).post(verdict_url(others), data, headers=HTMX)
        assert response.status_code == 400 and response.content.decode() == message
        others.refresh_from_db()
        assert others.verdict == "unverified"

    def test_only_claims_have_a_verdict_to_set(self, client_for, editor):
        a = article()
        spoken = quote(a, "Hősök voltak", author=editor)
        assert client_for(editor).post(verdict_url(spoken), {"verdict": "true"}).status_code == 404
        assert client_for(editor).post("/claims/999999/verdict/", {"verdict": "true"}).status_code == 404

    def test_it_takes_only_post(self, client_for, editor, others):
        assert client_for(editor).get(verdict_url(others)).status_code == 405


class TestTheVerdictRecord:
    """Who set a claim's verdict and when: kept by annotations.services on every path that sets it."""

    def test_the_annotation_editor_on_the_article_page_records_it(self, client_for, editor):
        own = claim(article(), "Több mint 12 ezer katona", author=editor)
        client = client_for(editor)
        client.post(reverse("annotations:edit", args=[own.pk]), {"verdict": "false"}, headers=HTMX)
        own.refresh_from_db()
        assert (own.verdict, own.verdict_set_by) == ("false", editor)
        recorded = own.verdict_set_at
        assert recorded is not None

        # A note changed, the verdict as it was: who set the verdict, and when, stay.
        client.post(reverse("annotations:edit", args=[own.pk]), {"verdict": "false", "note": "Forrás?"}, headers=HTMX)
        own.refresh_from_db()
        assert (own.note, own.verdict_set_by, own.verdict_set_at) == ("Forrás?", editor, recorded)

    def test_a_change_read_before_someone_else_set_the_verdict_keeps_their_record(self, editor, admin):
        own = claim(article(), "Több mint 12 ezer katona", author=editor)
        read_before = Annotation.objects.get(pk=own.pk)
        services.set_verdict(Annotation.objects.get(pk=own.pk), "false", by=admin)
        set_at = Annotation.objects.get(pk=own.pk).verdict_set_at

        services.update_annotation(read_before, by=editor, entity=None, verdict="false", note="Igaz?", evidence=[])

        stored = Annotation.objects.get(pk=own.pk)
        assert (stored.note, stored.verdict_set_by, stored.verdict_set_at) == ("Igaz?", admin, set_at)

    def test_setting_a_verdict_is_refused_on_anything_but_a_claim(self, editor):
        spoken = quote(article(), "Hősök voltak", author=editor)
        with pytest.raises(PermissionDenied):
            services.set_verdict(spoken, "true", by=editor)

    def test_an_unknown_verdict_is_refused_before_anything_is_stored(self, editor):
        own = claim(article(), "Több mint 12 ezer katona", author=editor)
        with pytest.raises(ValueError, match="Unknown verdict"):
            services.set_verdict(own, "maybe", by=editor)
        assert Annotation.objects.get(pk=own.pk).verdict_set_by is None

    def test_setting_the_verdict_of_a_claim_deleted_meanwhile_says_so(self, editor):
        own = claim(article(), "Több mint 12 ezer katona", author=editor)
        Annotation.objects.filter(pk=own.pk).delete()
        with pytest.raises(Annotation.DoesNotExist, match="deleted meanwhile"):
            services.set_verdict(own, "true", by=editor)
        assert not Annotation.objects.exists()

    @pytest.mark.parametrize(
        "record",
        [
            {"kind": "quote", "verdict": ""},  # only claims have one
            {"verdict_set_at": None},  # who without when
            {"verdict_set_by": None},  # when without who
        ],
    )
    def test_the_database_keeps_who_and_when_together_and_on_claims_only(self, editor, record):
        a = article()
        fields = {"kind": "claim", "verdict": "true", "verdict_set_by": editor, "verdict_set_at": timezone.now()}
        annotation = Annotation(article=a, start=0, end=5, author=editor, **{**fields, **record})
        annotation.anchor(a.body)
        with pytest.raises(IntegrityError, match="annotation_verdict_record_only_on_claims"), transaction.atomic():
            annotation.save()
