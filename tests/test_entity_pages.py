"""The entity catalogue, an entity's page, editing it in place and merging a duplicate."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from annotations import services as annotation_services
from annotations.models import Annotation
from entities import services
from entities.models import Entity, EntityMerge
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST = reverse("entities:list")
BODY = (
    "Egy magas rangú orosz tisztviselő Phenjanba utazott. A TASZSZ szerint Szergej Sojgu érkezett.\n\n"
    "„Akik az igazságért harcoltak, mind hősök” – mondta Kim Dzsongun akkor. Kim Dzsong Un hallgatott."
)


@pytest.fixture
def kim():
    return make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])


@pytest.fixture
def article():
    return make_article(BODY)


def detail(entity) -> str:
    return reverse("entities:detail", args=[entity.pk])


class TestCounts:
    """Kept by the database: the catalogue sorts by them without counting."""

    def test_annotations_made_moved_and_deleted_are_counted(self, editor, kim, article):
        sojgu = make_entity("Szergej Sojgu")
        quote = make_annotation(article, *span_of(article, "Akik az igazságért harcoltak, mind hősök"),
                                kind="quote", author=editor, entity=kim)  # fmt: skip
        make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=kim)
        claim = make_annotation(article, *span_of(article, "Szergej Sojgu érkezett"), kind="claim", author=editor,
                                entity=sojgu)  # fmt: skip
        kim.refresh_from_db()
        assert (kim.mention_count, kim.quote_count, kim.claim_count, kim.source_count) == (1, 1, 0, 0)
        assert kim.last_annotated_at is not None

        annotation_services.update_annotation(claim, by=editor, entity=kim, note="")
        annotation_services.delete_annotation(quote, by=editor)
        kim.refresh_from_db()
        sojgu.refresh_from_db()
        assert (kim.mention_count, kim.quote_count, kim.claim_count) == (1, 0, 1)
        assert (sojgu.claim_count, sojgu.last_annotated_at) == (0, None)


class TestCatalogue:
    def test_who_may_read_it(self, client, client_for, editor, admin, stranger, kim):
        for url in (LIST, detail(kim)):
            assert client.get(url).status_code == 302  # to the login page
            assert client_for(stranger).get(url).status_code == 403
            assert client_for(editor).get(url).status_code == 200
            assert client_for(admin).get(url).status_code == 200

    @pytest.mark.parametrize(
        ("query", "found"),
        [("sojgunak", "Szergej Sojgu"), ("kim jong un", "Kim Dzsongun"), ("KIM DZSONGUN", "Kim Dzsongun")],
    )
    def test_search_forgives_case_accents_and_suffixes(self, client_for, editor, kim, query, found):
        make_entity("Szergej Sojgu")
        make_entity("Kim Dzsong Il")
        page = client_for(editor).get(LIST, {"q": query}).context["page"]
        assert page.object_list[0].name == found

    def test_filter_by_kind_and_sort_by_most_mentioned_and_most_recent(self, client_for, editor, kim, article):
        make_entity("Phenjan", kind="place")
        sojgu = make_entity("Szergej Sojgu")
        for word in ("Kim Dzsongun", "Kim Dzsong Un"):
            make_annotation(article, *span_of(article, word), author=editor, entity=kim)
        make_annotation(article, *span_of(article, "Szergej Sojgu"), author=editor, entity=sojgu)
        client = client_for(editor)

        names = lambda **params: [e.name for e in client.get(LIST, params).context["page"].object_list]  # noqa: E731
        assert names(kind="person") == ["Kim Dzsongun", "Szergej Sojgu"]
        assert names(sort="mentions") == ["Kim Dzsongun", "Szergej Sojgu", "Phenjan"]
        assert names(sort="recent") == ["Szergej Sojgu", "Kim Dzsongun", "Phenjan"]

    def test_paging_keeps_the_filters(self, client_for, editor):
        Entity.objects.bulk_create([Entity(name=f"Személy {i:03}", kind="person") for i in range(60)])
        html = client_for(editor).get(LIST, {"kind": "person", "sort": "name"}).content.decode()
        assert 'href="?kind=person&amp;sort=name&amp;page=2"' in html

    @pytest.mark.parametrize("params", [{"page": "0"}, {"sort": "loudest"}, {"kind": "alien"}, {"q": "a\x00b"}])
    def test_bad_parameters_are_refused_with_the_reason(self, client_for, editor, params):
        response = client_for(editor).get(LIST, params)
        assert response.status_code == 400 and response.content

    def test_a_page_costs_the_same_queries_at_any_size(self, client_for, editor, django_assert_num_queries):
        client = client_for(editor)
        make_entity("Első")
        # session, user, permissions, count, page
        with django_assert_num_queries(5):
            client.get(LIST, {"sort": "mentions"})
        Entity.objects.bulk_create([Entity(name=f"Személy {i:03}", kind="person") for i in range(120)])
        with django_assert_num_queries(5):
            client.get(LIST, {"sort": "mentions"})


class TestEntityPage:
    def test_it_shows_what_the_newsroom_has_on_the_entity_each_in_its_sentence(self, client_for, editor, kim, article):
        quote = make_annotation(article, *span_of(article, "Akik az igazságért harcoltak, mind hősök"),
                                kind="quote", author=editor, entity=kim)  # fmt: skip
        claim = make_annotation(article, *span_of(article, "Kim Dzsong Un hallgatott"), kind="claim", author=editor,
                                entity=kim, verdict="false")  # fmt: skip
        make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=kim)

        html = client_for(editor).get(detail(kim)).content.decode()

        assert f'href="/articles/{article.pk}/#a-{quote.pk}"' in html
        assert (
            '„<mark class="hl hl-quote">Akik az igazságért harcoltak, mind hősök</mark>” – mondta Kim Dzsongun akkor.'
            in html
        )
        assert f'href="/articles/{article.pk}/#a-{claim.pk}"' in html
        assert "1 false" in html
        assert "Kim Jong Un" in html

    def test_a_page_costs_the_same_queries_at_any_size(self, client_for, editor, kim, django_assert_num_queries):
        client = client_for(editor)
        article = make_article("Szó " * 200)
        make_annotation(article, 0, 3, author=editor, entity=kim)
        make_annotation(article, 4, 7, author=editor, entity=kim, kind="claim")
        # session, user, permissions, entity, the mentions and the claims (sections with none
        # cost nothing), verdicts, merges, its history (made by no one in the app: no people to fetch)
        with django_assert_num_queries(9):
            client.get(detail(kim))
        for i in range(2, 120):
            make_annotation(article, i * 4, i * 4 + 3, author=editor, entity=kim, kind=["entity", "claim"][i % 2])
        with django_assert_num_queries(9):
            response = client.get(detail(kim))
        assert response.content.decode().count("#a-") == 40  # two sections of 20

    def test_a_sections_next_page_comes_as_a_fragment(self, client_for, editor, kim, django_assert_num_queries):
        article = make_article("Szó " * 200)
        for i in range(25):
            make_annotation(article, i * 4, i * 4 + 3, author=editor, entity=kim)
            make_annotation(article, i * 4, i * 4 + 3, author=editor, entity=kim, kind="quote")
        client = client_for(editor)
        # session, user, permissions, entity, and that section's page: not the other sections
        with django_assert_num_queries(5):
            html = client.get(detail(kim), {"mentions": 2, "section": "mentions"}, headers=HTMX).content
        assert html.decode().strip().startswith('<section class="entity-section" id="section-mentions"')
        assert html.count(b"#a-") == 5

    def test_unknown_is_404_and_outsiders_are_refused(self, client_for, editor, stranger, kim):
        assert client_for(editor).get(reverse("entities:detail", args=[999999])).status_code == 404
        assert client_for(stranger).get(detail(kim)).status_code == 403


class TestEditing:
    def test_an_editor_renames_and_sets_the_wikidata_id_in_place(self, client_for, editor, kim):
        response = client_for(editor).post(
            reverse("entities:edit", args=[kim.pk]),
            {
                "name": "Kim  Dzsong-un",
                "kind": "person",
                "description": "Észak-Korea vezetője",
                "external_id": "Q56226",
            },
            headers=HTMX,
        )
        assert response.status_code == 200
        kim.refresh_from_db()
        assert (kim.name, kim.external_id) == ("Kim Dzsong-un", "Q56226")
        assert 'href="https://www.wikidata.org/wiki/Q56226"' in response.content.decode()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"external_id": "56226"}, "Q and a number"),
            ({"external_id": "<b>Q1</b>"}, "Q and a number"),
            ({"name": "Szergej Sojgu"}, "Another entity of this kind is called"),
        ],
    )
    def test_a_refused_change_says_why_and_changes_nothing(self, client_for, editor, kim, changes, message):
        make_entity("Szergej Sojgu")
        data = {"name": kim.name, "kind": kim.kind, "description": "", "external_id": "", **changes}
        response = client_for(editor).post(reverse("entities:edit", args=[kim.pk]), data, headers=HTMX)
        assert response.status_code == 422 and message in response.content.decode()
        kim.refresh_from_db()
        assert kim.name == "Kim Dzsongun" and kim.external_id == ""

    def test_spellings_are_added_and_removed_in_place(self, client_for, editor, kim):
        client = client_for(editor)
        client.post(reverse("entities:alias-add", args=[kim.pk]), {"alias": " Kim  Csong Un "}, headers=HTMX)
        response = client.post(reverse("entities:alias-remove", args=[kim.pk]), {"alias": "Kim Jong Un"}, headers=HTMX)
        assert response.status_code == 200 and "Kim Csong Un" in response.content.decode()
        kim.refresh_from_db()
        assert kim.aliases == ["Kim Csong Un"]
        # Recomputed: the name's key (which Kim Jong Un shared) and the new spelling's.
        assert kim.spelling_keys == ["kimchongun", "kimjongun"]

    def test_outsiders_cannot_edit(self, client, client_for, stranger, kim):
        url = reverse("entities:edit", args=[kim.pk])
        data = {"name": "X", "kind": "person"}
        assert client.post(url, data).status_code == 302
        assert client_for(stranger).post(url, data).status_code == 403
        kim.refresh_from_db()
        assert kim.name == "Kim Dzsongun"


class TestMerge:
    @pytest.fixture
    def duplicate(self, editor, article):
        duplicate = make_entity("Kim Dzsong Un", aliases=["Kim Csong Un"], external_id="Q56226", description="Vezető")
        make_annotation(article, *span_of(article, "Kim Dzsong Un"), author=editor, entity=duplicate)
        make_annotation(article, *span_of(article, "Akik az igazságért harcoltak, mind hősök"), kind="quote",
                        author=editor, entity=duplicate)  # fmt: skip
        return duplicate

    def test_the_preview_says_what_will_move(self, client_for, editor, kim, duplicate):
        client = client_for(editor)
        found = client.get(reverse("entities:merge", args=[kim.pk]), {"duplicate_query": "dzsong un"}, headers=HTMX)
        assert f"?duplicate={duplicate.pk}" in found.content.decode()
        preview = client.get(reverse("entities:merge", args=[kim.pk]), {"duplicate": duplicate.pk}, headers=HTMX)
        text = preview.content.decode()
        assert "moves its 2 annotations here" in text and "1 mentions, 1 quotes" in text
        assert Entity.objects.filter(pk=duplicate.pk).exists()  # nothing happened yet

    def test_merging_moves_everything_records_it_and_redirects_the_old_address(
        self, client_for, editor, kim, duplicate
    ):
        moved = set(duplicate.annotations.values_list("pk", flat=True))
        response = client_for(editor).post(reverse("entities:merge", args=[kim.pk]), {"duplicate": duplicate.pk})

        assert response.status_code == 302
        kim.refresh_from_db()
        assert set(kim.annotations.values_list("pk", flat=True)) == moved
        assert kim.aliases == ["Kim Jong Un", "Kim Dzsong Un", "Kim Csong Un"]
        assert (kim.external_id, kim.description, kim.mention_count, kim.quote_count) == ("Q56226", "Vezető", 1, 1)
        record = EntityMerge.objects.get()
        assert (record.survivor, record.merged_name, record.annotations_moved, record.merged_by) == (
            kim, "Kim Dzsong Un", 2, editor,
        )  # fmt: skip
        client = client_for(editor)
        old = client.get(detail(duplicate))
        assert old.status_code == 301 and old.url == detail(kim)
        assert "Kim Dzsong Un (person), by erika" in client.get(detail(kim)).content.decode()
        assert Entity.objects.matching("Kim Dzsong Un").first() == kim

    def test_a_failure_midway_leaves_both_as_they_were(self, editor, kim, duplicate):
        # The database refuses to delete the duplicate: the merge fails after the annotations moved.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'refused'; END $$; CREATE TRIGGER test_refuse BEFORE DELETE ON articles_entity "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse()"
            )
        before = {
            e.pk: (e.name, e.aliases, e.external_id, list(e.annotations.order_by("pk"))) for e in (kim, duplicate)
        }
        with pytest.raises(Exception, match="refused"), transaction.atomic():
            services.merge_entities(kim, duplicate, by=editor)
        after = {
            e.pk: (e.name, e.aliases, e.external_id, list(e.annotations.order_by("pk")))
            for e in Entity.objects.filter(pk__in=[kim.pk, duplicate.pk])
        }
        assert after == before and not EntityMerge.objects.exists()

    def test_who_may_merge(self, client_for, stranger, admin, kim, duplicate):
        url = reverse("entities:merge", args=[kim.pk])
        assert client_for(stranger).post(url, {"duplicate": duplicate.pk}).status_code == 403
        assert client_for(stranger).get(url).status_code == 403
        assert client_for(admin).post(url, {"duplicate": kim.pk}).status_code == 400  # not into itself
        assert Entity.objects.count() == 2

    def test_the_same_name_with_another_spelling_of_another_person_is_not_matched(self, kim):
        il = make_entity("Kim Dzsong Il")
        found = Entity.objects.matching("Kim Dzsong Il").first()
        assert found == il and found.exact
        assert not Entity.objects.matching("Kim Dzsongun").filter(pk=il.pk, exact=True).exists()
        assert not Annotation.objects.exists()


class TestReviewFindings:
    def test_renaming_to_one_of_its_spellings_drops_that_spelling(self, editor, kim):
        services.update_entity(kim, by=editor, name="Kim Jong Un")
        kim.refresh_from_db()
        assert (kim.name, kim.aliases) == ("Kim Jong Un", [])

    def test_an_entity_is_not_merged_into_itself_by_the_service_either(self, editor, kim):
        with pytest.raises(services.EntityConflict):
            services.merge_entities(kim, kim, by=editor)

    def test_the_page_needs_the_right_to_read_annotations_and_articles(self, client_for, stranger, kim):
        from django.contrib.auth.models import Permission

        stranger.user_permissions.add(Permission.objects.get(codename="view_entity"))
        client = client_for(stranger)
        assert client.get(LIST).status_code == 200
        assert client.get(detail(kim)).status_code == 403

    def test_editing_an_entity_deleted_meanwhile_says_so(self, client_for, editor, admin, kim, monkeypatch):
        real = services.update_entity

        def deleted_first(entity, **kwargs):
            services.delete_entities(Entity.objects.filter(pk=entity.pk), by=admin)
            return real(entity, **kwargs)

        monkeypatch.setattr(services, "update_entity", deleted_first)
        data = {"name": "Új név", "kind": "person", "description": "", "external_id": ""}
        response = client_for(editor).post(reverse("entities:edit", args=[kim.pk]), data, headers=HTMX)
        assert response.status_code == 404 and "deleted or merged meanwhile" in response.content.decode()
