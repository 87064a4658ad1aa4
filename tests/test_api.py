"""The read API: who may read what with a token, filters, pages, shapes, refusals and the rate limit."""

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import services
from annotations.exporting import Row
from annotations.models import Annotation
from annotations.webannotation import W3C_CONTEXT, web_annotation
from api import schemas
from articles.models import Article
from entities.models import Entity, EntityMerge
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim Dzsongun Phenjanba ment.\n\n„Hősök” – mondta Kim Dzsongun akkor."
SITE = "https://news.example.org/newsroom"
WEB_ANNOTATION_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "web-annotation.schema.json").read_text())


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.NEWSROOM_URL = SITE


def secret_for(user: User, name: str = "script") -> str:
    return services.create_api_token(name=name, by=user)[1]


def api(secret: str | None) -> Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(headers=headers)


@pytest.fixture
def as_editor(editor) -> Client:
    return api(secret_for(editor))


@pytest.fixture
def annotated(editor):
    article = make_article(BODY, title="Kim Phenjanban", published_on=datetime.date(2025, 6, 9), date_precision="day")
    kim = make_entity("Kim Dzsongun", external_id="Q56226")
    make_annotation(article, *span_of(article, "Hősök"), kind="quote", author=editor, entity=kim, cue_verb="mondta")
    make_annotation(article, *span_of(article, "Phenjanba ment"), author=editor, kind="claim", verdict="false")
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=kim)
    return article


ENDPOINTS = ["/api/articles/", "/api/annotations/", "/api/entities/"]


class TestWhoMayRead:
    @pytest.mark.parametrize("person", ["editor", "admin"])
    @pytest.mark.parametrize("url", ENDPOINTS)
    def test_editors_and_admins_read_everything(self, request, annotated, person, url):
        client = api(secret_for(request.getfixturevalue(person)))
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response.json()["count"] >= 1
        assert client.get(f"/api/articles/{annotated.pk}/").status_code == 200

    @pytest.mark.parametrize("url", [*ENDPOINTS, "/api/articles/1/", "/api/entities/1/"])
    def test_someone_without_a_role_is_refused_in_json(self, stranger, url):
        response = api(secret_for(stranger)).get(url)
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["detail"]

    @pytest.mark.parametrize("url", [*ENDPOINTS, "/api/articles/1/"])
    def test_no_token_is_refused_with_401_not_sent_to_the_login_page(self, db, url):
        response = api(None).get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["detail"]

    def test_a_wrong_token_is_refused(self, editor):
        secret_for(editor)
        assert api("nr_not-a-token").get("/api/articles/").status_code == 401
        assert Client(headers={"Authorization": "Basic ZXJpa2E6ZXJpa2E="}).get("/api/articles/").status_code == 401

    def test_a_revoked_token_authenticates_nothing(self, editor):
        token, secret = services.create_api_token(name="old", by=editor)
        assert api(secret).get("/api/articles/").status_code == 200
        services.revoke_api_token(token, by=editor)
        response = api(secret).get("/api/articles/")
        assert response.status_code == 401
        assert response.json()["detail"]

    def test_a_deactivated_persons_token_authenticates_nothing(self, editor):
        secret = secret_for(editor)
        User.objects.filter(pk=editor.pk).update(is_active=False)
        assert api(secret).get("/api/articles/").status_code == 401

    def test_a_session_does_not_authenticate(self, editor, client_for):
        assert client_for(editor).get("/api/articles/").status_code == 401

    def test_leaving_a_role_takes_effect_at_the_next_request(self, editor):
        client = api(secret_for(editor))
        assert client.get("/api/entities/").status_code == 200
        editor.groups.clear()
        assert client.get("/api/entities/").status_code == 403

    def test_annotations_are_left_out_for_someone_who_may_read_articles_only(self, annotated, stranger):
        stranger.user_permissions.add(*_permissions("view_article"))
        client = api(secret_for(stranger))
        article = client.get(f"/api/articles/{annotated.pk}/").json()
        assert article["text"] == BODY
        assert article["annotations"] is None
        assert client.get("/api/annotations/").status_code == 403
        assert client.get("/api/articles/", {"entity": 1}).status_code == 403

    def test_the_token_is_noted_as_used(self, editor):
        token, secret = services.create_api_token(name="script", by=editor)
        assert token.last_used_at is None
        api(secret).get("/api/entities/")
        token.refresh_from_db()
        assert token.last_used_at is not None


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames)


class TestArticles:
    def test_the_list_says_what_the_article_list_does_with_absolute_urls(self, as_editor, annotated):
        page = as_editor.get("/api/articles/").json()
        assert page["count"] == 1 and page["next"] is None and page["previous"] is None
        (article,) = page["results"]
        schemas.ArticleOut.model_validate(article)
        assert article["url"] == f"{SITE}/api/articles/{annotated.pk}/"
        assert article["html_url"] == f"{SITE}/articles/{annotated.pk}/"
        assert article["published"] == "2025-06-09"
        assert article["annotation_counts"] == {"total": 3, "source": 0, "quote": 1, "claim": 1, "entity": 1}

    def test_urls_name_the_site_never_the_host_asked_for(self, as_editor, annotated, settings):
        settings.ALLOWED_HOSTS = ["evil.example"]
        page = as_editor.get("/api/articles/", {"limit": 1}, headers={"Host": "evil.example"}).json()
        assert page["results"][0]["url"].startswith(SITE)

    def test_filters_by_status_dates_search_entity_and_kind(self, as_editor, annotated, editor):
        other = make_article("Egy másik cikk a parlamentről.", status="done", published_on=datetime.date(2024, 1, 1))
        kim = annotated.annotations.filter(kind="quote").get().entity

        def ids(**query):
            response = as_editor.get("/api/articles/", query)
            assert response.status_code == 200, response.content
            return [article["id"] for article in response.json()["results"]]

        assert ids() == [annotated.pk, other.pk]  # newest first
        assert ids(status="done") == [other.pk]
        assert ids(published_from="2025-01-01") == [annotated.pk]
        assert ids(published_to="2024-12-31") == [other.pk]
        # As the article list: a month is inside only when all of it is.
        june = make_article("Júniusi cikk. Szöveg.", published_on=datetime.date(2025, 6, 1), date_precision="month")
        assert ids(published_from="2025-06-01", published_to="2025-06-29") == [annotated.pk]
        assert ids(published_from="2025-06-01", published_to="2025-06-30") == [annotated.pk, june.pk]
        june.delete()
        assert ids(q="parlament") == [other.pk]  # stemmed, as the article list searches
        assert ids(q="Phenjanban") == [annotated.pk]
        assert ids(entity=kim.pk) == [annotated.pk]
        assert ids(kind="quote") == [annotated.pk]
        assert ids(kind="source") == []
        assert ids(entity=kim.pk, kind="claim") == []  # one annotation of that kind naming it

    def test_the_detail_has_the_text_and_the_annotations_as_the_export_has_them(self, as_editor, annotated):
        from annotations.exporting import jsonl_lines

        article = as_editor.get(f"/api/articles/{annotated.pk}/").json()
        schemas.ArticleDetail.model_validate(article)
        assert article["text"] == BODY
        import json

        (line,) = jsonl_lines(Article.objects.all(), Annotation.objects.all())
        assert article["annotations"] == json.loads(line)["annotations"]
        assert [a["text"] for a in article["annotations"]] == ["Kim Dzsongun", "Phenjanba ment", "Hősök"]

    def test_an_unknown_article_is_404_in_json(self, as_editor):
        response = as_editor.get("/api/articles/999999/")
        assert response.status_code == 404
        assert response.json()["detail"]


class TestAnnotations:
    def test_each_has_the_export_fields_and_its_article(self, as_editor, annotated):
        page = as_editor.get("/api/annotations/").json()
        assert page["count"] == 3
        for item in page["results"]:
            schemas.ListedAnnotation.model_validate(item)
        first = page["results"][0]
        assert first["article"] == {
            "id": annotated.pk,
            "title": "Kim Phenjanban",
            "published": "2025-06-09",
            "url": f"{SITE}/api/articles/{annotated.pk}/",
        }
        assert first["entity"] == {
            "id": first["entity"]["id"],
            "name": "Kim Dzsongun",
            "kind": "person",
            "wikidata": "Q56226",
        }

    def test_filters(self, as_editor, annotated, admin):
        kim = annotated.annotations.filter(kind="quote").get().entity
        other = make_article("Masik cikk szovege itt.")
        make_annotation(other, *span_of(other, "Masik"), author=admin)

        def texts(**query):
            response = as_editor.get("/api/annotations/", query)
            assert response.status_code == 200, response.content
            return [item["text"] for item in response.json()["results"]]

        assert texts(article=other.pk) == ["Masik"]
        assert texts(kind="claim") == ["Phenjanba ment"]
        assert texts(verdict="false") == ["Phenjanba ment"]
        assert texts(verdict="true") == []
        assert texts(entity=kim.pk) == ["Kim Dzsongun", "Hősök"]
        assert texts(author="adel") == ["Masik"]
        assert texts(author="nobody") == []
        assert len(texts(since=datetime.date.today().isoformat())) == 4
        assert texts(since="2999-01-01") == []


class TestW3cShape:
    def test_the_annotation_list_is_a_web_annotation_page(self, as_editor, annotated):
        response = as_editor.get("/api/annotations/", {"shape": "w3c", "kind": "quote", "limit": 1})
        assert response.status_code == 200
        assert response["Content-Type"] == f'application/ld+json; profile="{W3C_CONTEXT}"'
        page = response.json()
        assert page["type"] == "AnnotationPage" and page["@context"][0] == W3C_CONTEXT
        assert page["partOf"] == {
            "id": f"{SITE}/api/annotations/?kind=quote&shape=w3c",
            "type": "AnnotationCollection",
            "total": 1,
        }
        assert page["startIndex"] == 0 and "next" not in page and "prev" not in page
        quote = Annotation.objects.get(kind="quote")
        (values,) = Annotation.objects.filter(pk=quote.pk).values_list(*Row.LOOKUPS)
        assert page["items"] == [web_annotation(Row(*values), standalone=False)]
        assert page["items"][0]["id"] == f"{SITE}/articles/{annotated.pk}/#a-{quote.pk}"
        for item in page["items"]:
            jsonschema.validate({"@context": page["@context"], **item}, WEB_ANNOTATION_SCHEMA)

    def test_pages_link_to_each_other(self, as_editor, annotated):
        first = as_editor.get("/api/annotations/", {"shape": "w3c", "limit": 2}).json()
        assert first["next"] == f"{SITE}/api/annotations/?limit=2&offset=2&shape=w3c"
        second = as_editor.get(first["next"].removeprefix(SITE)).json()
        assert second["startIndex"] == 2 and second["prev"] == f"{SITE}/api/annotations/?limit=2&offset=0&shape=w3c"
        assert len(first["items"]) + len(second["items"]) == 3

    def test_accepting_json_ld_asks_for_it(self, as_editor, annotated):
        response = as_editor.get("/api/annotations/", headers={"Accept": "application/ld+json"})
        assert response.json()["type"] == "AnnotationPage"
        assert "Accept" in response["Vary"]
        plain = as_editor.get("/api/annotations/", {"shape": "plain"}, headers={"Accept": "application/ld+json"})
        assert "results" in plain.json()

    def test_an_article_has_its_annotations_as_whole_web_annotations(self, as_editor, annotated):
        article = as_editor.get(f"/api/articles/{annotated.pk}/", {"shape": "w3c"}).json()
        assert article["text"] == BODY
        assert [a["target"]["selector"][0]["exact"] for a in article["annotations"]] == [
            "Kim Dzsongun", "Phenjanba ment", "Hősök",
        ]  # fmt: skip
        for annotation in article["annotations"]:
            assert annotation["@context"][0] == W3C_CONTEXT
            assert annotation["target"]["source"] == f"{SITE}/articles/{annotated.pk}/"
            jsonschema.validate(annotation, WEB_ANNOTATION_SCHEMA)


class TestEntities:
    def test_list_by_name_or_best_match_and_by_kind(self, as_editor):
        kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"], external_id="Q56226")
        sojgu = make_entity("Szergej Sojgu")
        place = make_entity("Phenjan", kind="place")

        def ids(**query):
            response = as_editor.get("/api/entities/", query)
            assert response.status_code == 200, response.content
            return [entity["id"] for entity in response.json()["results"]]

        assert ids() == [kim.pk, place.pk, sojgu.pk]
        assert ids(kind="place") == [place.pk]
        assert ids(q="Sojgunak") == [sojgu.pk]  # as the catalogue finds names
        entity = as_editor.get(f"/api/entities/{kim.pk}/").json()
        schemas.EntityOut.model_validate(entity)
        assert entity["wikidata"] == "Q56226"
        assert entity["aliases"] == ["Kim Jong Un"]
        assert entity["html_url"] == f"{SITE}/entities/{kim.pk}/"

    def test_entities_come_in_hungarian_order_with_icu_or_without(self, as_editor):
        # The name column sorts the Hungarian way only where PostgreSQL has ICU (as here); without it (the
        # embedded one, `make run`'s) only name_sort_key does, which the catalogue sorts by (README).
        for name in ["Zsolt", "Ágnes", "Csaba", "Cukor", "Agnes", "Öböl", "Ozora"]:
            make_entity(name, kind="other")
        with CaptureQueriesContext(connection) as queries:
            response = as_editor.get("/api/entities/")
        names = [entity["name"] for entity in response.json()["results"]]
        assert names == ["Agnes", "Ágnes", "Cukor", "Csaba", "Ozora", "Öböl", "Zsolt"]
        (listing,) = [
            query["sql"] for query in queries if "LIMIT" in query["sql"] and Entity._meta.db_table in query["sql"]
        ]
        assert "name_sort_key" in listing.split("ORDER BY")[1]
        with CaptureQueriesContext(connection) as queries:
            as_editor.get("/api/entities/", {"q": "Agnes"})
        (search,) = [
            query["sql"] for query in queries if "LIMIT" in query["sql"] and Entity._meta.db_table in query["sql"]
        ]
        assert "name_sort_key" in search.split("ORDER BY")[1]

    def test_a_merged_duplicate_leads_to_the_entity_that_stayed(self, as_editor):
        kim = make_entity("Kim Dzsongun")
        EntityMerge.objects.create(
            survivor=kim, merged_id=kim.pk + 100, merged_name="Kim", merged_kind="person", annotations_moved=0
        )
        response = as_editor.get(f"/api/entities/{kim.pk + 100}/")
        assert response.status_code == 301
        assert response["Location"] == f"{SITE}/api/entities/{kim.pk}/"
        assert as_editor.get(f"/api/entities/{kim.pk + 101}/").status_code == 404


class TestPages:
    def test_next_links_keep_the_filters_and_are_absolute(self, as_editor):
        for number in range(5):
            make_article(f"Cikk szama {number}, szoveg.", status="done")
        first = as_editor.get("/api/articles/", {"status": "done", "limit": 2}).json()
        assert first["count"] == 5 and len(first["results"]) == 2
        assert first["next"] == f"{SITE}/api/articles/?limit=2&offset=2&status=done"
        second = as_editor.get(first["next"].removeprefix(SITE)).json()
        assert second["previous"] == f"{SITE}/api/articles/?limit=2&offset=0&status=done"
        last = as_editor.get("/api/articles/", {"status": "done", "limit": 2, "offset": 4}).json()
        assert last["next"] is None and len(last["results"]) == 1
        seen = [a["id"] for a in first["results"] + second["results"] + last["results"]]
        assert len(set(seen)) == 5

    def test_queries_do_not_grow_with_the_page(self, as_editor, editor, django_assert_max_num_queries):
        kim = make_entity("Kim Dzsongun")
        for number in range(30):
            article = make_article(f"Kim Dzsongun szama {number}, szoveg.")
            make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=kim, kind="quote")
        # The token, the owner's permissions, the count per minute; then the count and the page.
        for url in [
            "/api/articles/?limit=100",
            "/api/annotations/?limit=100",
            "/api/annotations/?limit=100&shape=w3c",
            "/api/entities/?limit=100",
        ]:
            with django_assert_max_num_queries(5):
                assert as_editor.get(url).status_code == 200
        for shape in ("plain", "w3c"):
            with django_assert_max_num_queries(5):
                assert len(as_editor.get(f"/api/articles/{article.pk}/?shape={shape}").json()["annotations"]) == 1


class TestBadInput:
    @pytest.mark.parametrize(
        ("url", "parameter"),
        [
            ("/api/articles/?published_from=2025-13-01", "published_from"),
            ("/api/articles/?published_to=tegnap", "published_to"),
            ("/api/articles/?status=published", "status"),
            ("/api/articles/?kind=comment", "kind"),
            ("/api/articles/?entity=kim", "entity"),
            ("/api/articles/?entity=99999999999999999999999", "entity"),
            ("/api/articles/?limit=101", "limit"),
            ("/api/articles/?limit=0", "limit"),
            ("/api/articles/?offset=-1", "offset"),
            ("/api/articles/?q=" + "x" * 201, "q"),
            ("/api/articles/abc/", "id"),
            ("/api/articles/0/", "id"),
            ("/api/articles/99999999999999999999/", "id"),
            ("/api/annotations/?since=yesterday", "since"),
            ("/api/annotations/?verdict=maybe", "verdict"),
            ("/api/annotations/?article=1.5", "article"),
            ("/api/annotations/?shape=xml", "shape"),
            ("/api/entities/?kind=animal", "kind"),
            ("/api/entities/x/", "id"),
            ("/api/articles/?q=%00", "q"),
            ("/api/entities/?q=a%00b", "q"),
            ("/api/annotations/?author=%00", "author"),
        ],
    )
    def test_a_malformed_parameter_is_400_naming_it(self, as_editor, url, parameter):
        response = as_editor.get(url)
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["parameter"] == parameter
        assert body["detail"].startswith(f"{parameter}: ")

    def test_an_empty_parameter_is_as_if_not_given(self, as_editor, annotated):
        query = {"q": "", "status": "", "published_from": "", "entity": "", "kind": "", "limit": "", "offset": ""}
        page = as_editor.get("/api/articles/", query).json()
        assert [article["id"] for article in page["results"]] == [annotated.pk]
        assert "results" in as_editor.get("/api/annotations/", {"shape": "", "verdict": ""}).json()

    def test_an_unknown_address_is_404_in_json(self, as_editor):
        for url in ["/api/", "/api/nothing/", "/api/articles/1/annotations/", "/api/nothing"]:
            response = as_editor.get(url, follow=True)
            assert response.status_code == 404, url
            assert response.json()["detail"]

    def test_an_address_without_its_slash_is_sent_to_it(self, as_editor):
        response = as_editor.get("/api/articles?status=done")
        assert response.status_code == 301
        assert response["Location"] == "/api/articles/?status=done"

    def test_refusals_speak_hungarian_when_asked(self, as_editor):
        response = as_editor.get("/api/articles/?limit=101", headers={"Accept-Language": "hu"})
        assert response.json()["detail"] == "limit: Legfeljebb 100 lehet."


class TestRateLimit:
    def test_a_token_over_its_limit_is_answered_429_with_retry_after(self, editor, settings):
        settings.API_RATE_LIMIT = 3
        client = api(secret_for(editor))
        assert [client.get("/api/entities/").status_code for _ in range(3)] == [200, 200, 200]
        response = client.get("/api/entities/")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert response.json()["detail"]
        # Another token of the same person has its own count.
        assert api(secret_for(editor, "other")).get("/api/entities/").status_code == 200

    def test_the_count_starts_again_each_minute(self, editor, settings):
        settings.API_RATE_LIMIT = 1
        token, secret = services.create_api_token(name="script", by=editor)
        client = api(secret)
        assert client.get("/api/entities/").status_code == 200
        assert client.get("/api/entities/").status_code == 429
        type(token).objects.filter(pk=token.pk).update(
            minute_started_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        )
        assert client.get("/api/entities/").status_code == 200


class TestDescription:
    def test_the_openapi_description_lists_the_endpoints_for_those_logged_in(self, editor, client_for):
        assert Client().get("/api/openapi.json").status_code == 302  # to the login page, as every page
        description = client_for(editor).get("/api/openapi.json").json()
        assert {"/api/articles/", "/api/articles/{id}/", "/api/annotations/", "/api/entities/"} <= set(
            description["paths"]
        )
