"""The download menus: on the article page, the article list and the quotes and claims desks, every
format of the registry, each download holding what its page's filters select."""

import csv
import datetime
import io
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from annotations.downloads import in_pieces
from annotations.exporting import FORMATS, Format
from articles.models import Article, DatePrecision
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY_A = "„Hősök voltak” – mondta Kim Dzsongun. Szergej Sojgu azt mondta, hogy a katonák hazatértek. Ezer fő esett el."
BODY_B = "Kim Dzsongun ismét beszélt. „Győzni fogunk” – mondta. Az árak nem emelkedtek."
FILENAME = re.compile(
    r'attachment; filename="newsroom-(?P<scope>[a-z0-9-]+)-\d{4}-\d{2}-\d{2}-(?P<format>[a-z0-9]+)\.(?P<ext>[a-z]+)"'
)


@pytest.fixture
def newsroom(editor):
    """Two articles, each with quotes, claims and a mention; Kim and Sojgu speak and claim."""
    kim, sojgu = make_entity("Kim Dzsongun", external_id="Q56226"), make_entity("Szergej Sojgu")
    a = make_article(BODY_A, title="Hősök", published_on=datetime.date(2025, 6, 9), date_precision=DatePrecision.DAY)
    b = make_article(BODY_B, title="Győzelem", published_on=datetime.date(2024, 1, 1), date_precision="year")
    Article.objects.filter(pk=b.pk).update(status=Article.Status.DONE)

    def mark(article, words, kind, **fields):
        return make_annotation(article, *span_of(article, words), kind=kind, author=editor, **fields)

    mark(a, "Hősök voltak", "quote", entity=kim, quote_type="direct", cue_verb="mondta")
    mark(a, "a katonák hazatértek", "quote", entity=sojgu, quote_type="indirect")
    mark(a, "Ezer fő esett el", "claim", entity=sojgu, verdict="false", note='=HYPERLINK("http://evil")')
    mark(a, "Kim Dzsongun", "entity", entity=kim)
    mark(b, "Győzni fogunk", "quote", entity=kim, quote_type="direct")
    mark(b, "Az árak nem emelkedtek", "claim", entity=kim, verdict="true")
    mark(b, "ismét beszélt", "claim", entity=kim)  # unverified
    return {"a": a, "b": b, "kim": kim, "sojgu": sojgu}


def text(response) -> str:
    assert response.streaming  # never the whole file in memory
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    body = text(response)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def words(response) -> list[str]:
    return [row["text"] for row in csv_rows(response)]


def menu_links(response) -> dict[str, str]:
    """The download menu's links on the page, by format."""
    html = response.content.decode()
    (menu,) = re.findall(r'<details class="download-menu">(.*?)</details>', html, re.S)
    links = [unescape(href) for href in re.findall(r'<a href="([^"]+)" download>', menu)]
    return {parse_qs(urlsplit(link).query)["format"][0]: link for link in links}


PAGES = {
    "article list": (lambda data: reverse("articles:list") + "?status=new&page=1", "articles:list-download"),
    "article page": (lambda data: reverse("articles:detail", args=[data["a"].pk]), None),
    "quotes desk": (
        lambda data: reverse("desks:quotes") + f"?speaker={data['kim'].pk}&page=1",
        "desks:quotes-download",
    ),
    "claims desk": (lambda data: reverse("desks:claims") + "?verdict=false&page=1", "desks:claims-download"),
}


class TestMenus:
    @pytest.mark.parametrize("page", PAGES)
    def test_each_page_has_a_menu_of_every_format_with_its_filters_but_not_its_page(
        self, newsroom, client_for, editor, page
    ):
        url, download = PAGES[page]
        response = client_for(editor).get(url(newsroom))
        links = menu_links(response)
        assert list(links) == list(FORMATS)
        expected = reverse(download) if download else reverse("articles:download", args=[newsroom["a"].pk])
        for name, link in links.items():
            path, query = urlsplit(link).path, parse_qs(urlsplit(link).query)
            assert path == expected
            assert "page" not in query
            assert {key: value for key, value in query.items() if key != "format"} == {
                key: value for key, value in parse_qs(urlsplit(url(newsroom)).query).items() if key != "page"
            }
            assert client_for(editor).get(link).status_code == 200, name

    def test_a_format_added_to_the_registry_is_offered_and_downloads(self, newsroom, client_for, editor, monkeypatch):
        extra = Format("count", "Count", "txt", "text/plain; charset=utf-8", lambda articles, annotations: iter(
            [f"{annotations.count()}\n"]
        ))  # fmt: skip
        monkeypatch.setitem(FORMATS, "count", extra)
        client = client_for(editor)
        links = menu_links(client.get(reverse("desks:quotes")))
        assert "count" in links
        assert text(client.get(links["count"])) == "3\n"

    def test_the_menus_follow_the_filters_swapped_in_by_htmx(self, newsroom, client_for, editor):
        response = client_for(editor).get(reverse("articles:list") + "?q=Győzelem", headers={"HX-Request": "true"})
        assert parse_qs(urlsplit(menu_links(response)["csv"]).query)["q"] == ["Győzelem"]

    def test_someone_who_may_not_read_annotations_sees_no_menu(self, newsroom, client):
        user = User.objects.create_user("cikkolvaso")
        user.user_permissions.add(Permission.objects.get(codename="view_article"))
        client.force_login(user)
        for url in (reverse("articles:list"), reverse("articles:detail", args=[newsroom["a"].pk])):
            response = client.get(url)
            assert response.status_code == 200 and "download-menu" not in response.content.decode()


class TestWhatIsDownloaded:
    def test_the_article_page_downloads_that_articles_annotations(self, newsroom, client_for, editor):
        response = client_for(editor).get(reverse("articles:download", args=[newsroom["a"].pk]) + "?format=csv")
        assert words(response) == ["Hősök voltak", "Kim Dzsongun", "a katonák hazatértek", "Ezer fő esett el"]
        assert FILENAME.fullmatch(response["Content-Disposition"])["scope"] == f"article-{newsroom['a'].pk}"

    def test_the_article_list_downloads_what_its_search_and_status_select(self, newsroom, client_for, editor):
        client = client_for(editor)
        url = reverse("articles:list-download")
        assert words(client.get(url + "?format=csv&status=done")) == [
            "ismét beszélt", "Győzni fogunk", "Az árak nem emelkedtek",
        ]  # fmt: skip
        assert {row["article_id"] for row in csv_rows(client.get(url + "?format=csv&q=Sojgu"))} == {
            str(newsroom["a"].pk)
        }
        assert len(words(client.get(url + "?format=csv"))) == 7

    def test_the_quotes_desk_downloads_what_its_filters_select(self, newsroom, client_for, editor):
        client = client_for(editor)
        url = reverse("desks:quotes-download") + "?format=csv"
        assert words(client.get(url)) == ["Hősök voltak", "a katonák hazatértek", "Győzni fogunk"]
        assert words(client.get(f"{url}&speaker={newsroom['kim'].pk}")) == ["Hősök voltak", "Győzni fogunk"]
        assert words(client.get(f"{url}&type=indirect")) == ["a katonák hazatértek"]
        assert words(client.get(f"{url}&words=hosok")) == ["Hősök voltak"]  # accents aside, as the desk
        assert words(client.get(f"{url}&since=2025-01-01")) == ["Hősök voltak", "a katonák hazatértek"]

    def test_the_claims_desk_downloads_what_its_filters_and_verdict_select(self, newsroom, client_for, editor):
        client = client_for(editor)
        url = reverse("desks:claims-download") + "?format=csv"
        assert words(client.get(url)) == ["Ezer fő esett el", "ismét beszélt", "Az árak nem emelkedtek"]
        assert words(client.get(f"{url}&verdict=unverified")) == ["ismét beszélt"]
        assert words(client.get(f"{url}&claimant={newsroom['kim'].pk}&order=newest")) == [
            "ismét beszélt", "Az árak nem emelkedtek",
        ]  # fmt: skip
        # A typed name selects as the desk finds it (Hungarian case ending and all); no match, nothing.
        assert words(client.get(f"{url}&claimant_name=Sojgunak")) == ["Ezer fő esett el"]
        assert words(client.get(f"{url}&claimant_name=Senki Sem")) == []

    def test_the_claims_desk_downloads_claimreview_of_the_reviewed_claims(self, newsroom, client_for, editor):
        response = client_for(editor).get(reverse("desks:claims-download") + "?format=claimreview")
        assert response["Content-Type"] == "application/ld+json; charset=utf-8"
        assert FILENAME.fullmatch(response["Content-Disposition"]).group("scope", "format", "ext") == (
            "claims",
            "claimreview",
            "jsonld",
        )
        reviews = json.loads(text(response))
        assert [(review["claimReviewed"], review["reviewRating"]["ratingValue"]) for review in reviews] == [
            ("Ezer fő esett el", 1), ("Az árak nem emelkedtek", 5),
        ]  # fmt: skip


class TestFiles:
    def test_csv_is_formula_safe_hungarian_with_a_byte_order_mark(self, newsroom, client_for, editor):
        response = client_for(editor).get(reverse("desks:claims-download") + "?format=csv&verdict=false")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert FILENAME.fullmatch(response["Content-Disposition"]).group("scope", "format", "ext") == (
            "claims",
            "csv",
            "csv",
        )
        (row,) = csv_rows(response)
        assert row["note"] == '\'=HYPERLINK("http://evil")'
        assert (row["text"], row["entity_name"], row["article_title"]) == ("Ezer fő esett el", "Szergej Sojgu", "Hősök")

    def test_json_lines_are_what_doccano_reads(self, newsroom, client_for, editor):
        response = client_for(editor).get(reverse("articles:list-download") + "?format=jsonl")
        assert response["Content-Type"] == "application/jsonl; charset=utf-8"
        assert FILENAME.fullmatch(response["Content-Disposition"]).group("scope", "format", "ext") == (
            "articles",
            "jsonl",
            "jsonl",
        )
        lines = text(response).splitlines()
        assert len(lines) == 2
        for line in lines:
            document = json.loads(line)
            assert set(document) >= {"text", "label"}
            for start, end, label in document["label"]:
                assert label in {"QUOTE", "CLAIM", "ENTITY"}
                assert document["text"][start:end] in BODY_A + BODY_B
        assert "„Hősök voltak”" in text(client_for(editor).get(reverse("articles:list-download") + "?format=jsonl"))

    def test_a_desk_download_in_json_lines_holds_only_what_it_selects(self, newsroom, client_for, editor):
        response = client_for(editor).get(reverse("desks:quotes-download") + "?format=jsonl&type=indirect")
        (line,) = text(response).splitlines()
        assert [annotation["text"] for annotation in json.loads(line)["annotations"]] == ["a katonák hazatértek"]

    def test_the_file_is_sent_in_pieces_of_many_lines(self):
        pieces = list(in_pieces((f"{n}\n" for n in range(1000)), size=100))
        assert "".join(pieces) == "".join(f"{n}\n" for n in range(1000))
        assert all(len(piece) >= 100 for piece in pieces[:-1]) and len(pieces) < 100


DOWNLOADS = [
    lambda data: reverse("articles:list-download"),
    lambda data: reverse("articles:download", args=[data["a"].pk]),
    lambda data: reverse("desks:quotes-download"),
    lambda data: reverse("desks:claims-download"),
]


class TestRefusals:
    @pytest.mark.parametrize("url", DOWNLOADS)
    def test_anonymous_visitors_are_sent_to_log_in(self, newsroom, client, url):
        response = client.get(url(newsroom) + "?format=csv")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize("url", DOWNLOADS)
    def test_someone_without_a_role_is_refused(self, newsroom, client_for, stranger, url):
        assert client_for(stranger).get(url(newsroom) + "?format=csv").status_code == 403

    @pytest.mark.parametrize("url", DOWNLOADS[:2])
    def test_someone_who_reads_articles_but_not_annotations_is_refused(self, newsroom, client, url):
        user = User.objects.create_user("cikkolvaso")
        user.user_permissions.add(Permission.objects.get(codename="view_article"))
        client.force_login(user)
        assert client.get(url(newsroom) + "?format=csv").status_code == 403

    @pytest.mark.parametrize(
        ("url", "query", "named"),
        [
            (DOWNLOADS[0], "", "format"),
            (DOWNLOADS[0], "format=xlsx", "format"),
            (DOWNLOADS[1], "format=", "format"),
            (DOWNLOADS[0], "format=csv&status=lost", "status"),
            (DOWNLOADS[2], "format=csv&since=tegnap", "since"),
            (DOWNLOADS[3], "format=csv&verdict=maybe", "verdict"),
            (DOWNLOADS[3], "format=csv&since=2025-02-01&until=2025-01-01", "until"),
        ],
    )
    def test_bad_parameters_are_refused_naming_them(self, newsroom, client_for, editor, url, query, named):
        response = client_for(editor).get(f"{url(newsroom)}?{query}")
        assert response.status_code == 400
        assert response.content.decode().startswith(f"{named}: ")

    def test_an_article_that_does_not_exist_is_not_found(self, newsroom, client_for, editor):
        assert client_for(editor).get(reverse("articles:download", args=[999999]) + "?format=csv").status_code == 404
