"""The annotation endpoints: every role, with and without htmx, and malformed requests."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Annotation
from articles.models import Article
from entities.models import Entity
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
BODY = (
    "Kim 🚀 Dzsongun Phenjanba ment.\n\n"
    "Észak-Korea elismerte, „akik az igazságért harcoltak, mind hősök” – mondta Kim Dzsongun akkor.\n\n"
    "Harmadik bekezdés <b>jelölés</b>."
)


@pytest.fixture
def article():
    return make_article(BODY)


def create_url(article) -> str:
    return reverse("annotations:create", args=[article.pk])


def shown_revision(article) -> dict:
    """What the article page sends along with a change: the revision of the annotations it shows."""
    return {"revision": str(Article.objects.get(pk=article.pk).annotation_version)}


def selection(article, text: str, kind: str = "quote", occurrence: int = 0) -> dict:
    start, end = span_of(article, text, occurrence)
    return {"kind": kind, "start": start, "end": end, "exact": text, **shown_revision(article)}


class TestCreate:
    def test_an_editor_tags_a_quote_and_gets_the_changed_fragments(self, client_for, editor, article):
        response = client_for(editor).post(
            create_url(article), selection(article, "„akik az igazságért harcoltak, mind hősök”"), headers=HTMX
        )

        assert response.status_code == 201
        annotation = Annotation.objects.get()
        assert annotation.exact == "akik az igazságért harcoltak, mind hősök"  # snapped to the words
        assert (annotation.quote_type, annotation.cue_verb) == ("direct", "mondta")
        assert annotation.author == editor
        html = response.content.decode()
        # The editor for the new annotation, its speaker looked up already…
        assert 'id="annotation-editor"' in html and 'value="Kim Dzsongun"' in html
        # …the paragraph it is in, and only that one…
        assert html.count("<p id=") == 1 and f'id="p-{span_of(article, "Észak")[0]}"' in html
        assert f'data-annotations="{annotation.pk}"' in html
        # …the list entry, where it belongs in the list, and the counts.
        assert '<ol hx-swap-oob="beforeend:#annotation-list">' in html
        assert f'id="annotation-{annotation.pk}"' in html
        assert '<div id="annotation-summary" hx-swap-oob="true">' in html
        assert "Quotes <b>1</b>" in html
        assert "<html" not in html

    def test_offsets_are_code_points_after_an_emoji(self, client_for, editor, article):
        data = selection(article, "Dzsongun", kind="entity")
        assert data["start"] == 6  # the rocket is one code point (two UTF-16 units)
        response = client_for(editor).post(create_url(article), data, headers=HTMX)
        assert response.status_code == 201
        assert Annotation.objects.get().exact == "Dzsongun"

    def test_a_new_entry_goes_before_the_next_annotation_in_text_order(self, client_for, editor, article):
        later = make_annotation(article, *span_of(article, "Harmadik"), author=editor)
        response = client_for(editor).post(create_url(article), selection(article, "Phenjanba", "entity"), headers=HTMX)
        assert f'<ol hx-swap-oob="beforebegin:#annotation-{later.pk}">' in response.content.decode()

    def test_a_span_across_paragraphs_re_renders_each_of_them(self, client_for, editor, article):
        start, _ = span_of(article, "Phenjanba")
        _, end = span_of(article, "Észak-Korea")
        data = {"kind": "claim", "start": start, "end": end, "exact": article.body[start:end]}
        data |= shown_revision(article)
        html = client_for(editor).post(create_url(article), data, headers=HTMX).content.decode()
        assert html.count("<p id=") == 2
        assert Annotation.objects.get().verdict == "unverified"

    def test_without_htmx_it_redirects_to_the_annotation(self, client_for, editor, article):
        response = client_for(editor).post(create_url(article), selection(article, "Phenjanba", "entity"))
        annotation = Annotation.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/articles/{article.pk}/#annotation-{annotation.pk}"

    def test_an_admin_may_annotate(self, client_for, admin, article):
        response = client_for(admin).post(create_url(article), selection(article, "Phenjanba", "source"), headers=HTMX)
        assert response.status_code == 201

    def test_someone_outside_the_groups_may_not(self, client_for, stranger, article):
        response = client_for(stranger).post(create_url(article), selection(article, "Phenjanba"), headers=HTMX)
        assert response.status_code == 403
        assert not Annotation.objects.exists()

    def test_anonymous_visitors_are_sent_to_log_in(self, client, article):
        response = client.post(create_url(article), selection(article, "Phenjanba"))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert not Annotation.objects.exists()

    def test_csrf_is_enforced_on_htmx_requests_too(self, editor, article):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        response = client.post(create_url(article), selection(article, "Phenjanba"), headers=HTMX)
        assert response.status_code == 403
        assert not Annotation.objects.exists()

    def test_get_is_not_allowed(self, client_for, editor, article):
        assert client_for(editor).get(create_url(article)).status_code == 405

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"exact": "Phenjanbe"}, "does not match the article at those offsets"),
            ({"start": 7}, "does not match the article at those offsets"),  # UTF-16 counting would give this
            ({"end": 10_000}, "is not inside this article"),
            ({"start": 20, "end": 20, "exact": ""}, "exact: This field is required."),
            ({"start": -1}, "start: Ensure this value is greater than or equal to 0."),
            ({"start": "x"}, "start: Enter a whole number."),
            ({"kind": "gossip"}, "kind: Select a valid choice."),
            ({"exact": "Dzsong\x00n"}, "exact: Null characters are not allowed."),
        ],
    )
    def test_a_malformed_request_is_refused_with_a_message(self, client_for, editor, article, change, message):
        data = selection(article, "Dzsongun", kind="entity") | change
        response = client_for(editor).post(create_url(article), data, headers=HTMX)
        assert response.status_code == 422
        html = response.content.decode()
        assert html.startswith('<p class="error" data-error>') and message in html
        assert not Annotation.objects.exists()

    def test_punctuation_alone_is_refused(self, client_for, editor, article):
        start, end = span_of(article, " – ")
        data = {"kind": "quote", "start": start, "end": end, "exact": " – "}
        response = client_for(editor).post(create_url(article), data, headers=HTMX)
        assert response.status_code == 422
        assert "spaces and punctuation alone cannot be annotated" in response.content.decode()

    def test_an_unknown_article_is_404(self, client_for, editor):
        response = client_for(editor).post("/articles/999999/annotations/", {}, headers=HTMX)
        assert response.status_code == 404


@pytest.fixture
def quote(article, editor):
    start, end = span_of(article, "akik az igazságért harcoltak, mind hősök")
    return make_annotation(article, start, end, kind=Annotation.Kind.QUOTE, author=editor)


def edit_url(annotation) -> str:
    return reverse("annotations:edit", args=[annotation.pk])


def delete_url(annotation) -> str:
    return reverse("annotations:delete", args=[annotation.pk])


class TestEdit:
    def test_the_editor_opens_for_the_author(self, client_for, editor, quote):
        html = client_for(editor).get(edit_url(quote), headers=HTMX).content.decode()
        assert 'id="annotation-editor"' in html
        assert 'name="cue_verb"' in html and 'name="verdict"' not in html
        assert ">Delete</button>" in html

    def test_someone_elses_annotation_opens_read_only(self, client_for, other_editor, quote):
        html = client_for(other_editor).get(edit_url(quote), headers=HTMX).content.decode()
        assert "Only its author or an admin can change this annotation." in html
        assert "<input" not in html and "Delete" not in html

    def test_the_author_links_a_speaker_created_on_the_spot(self, client_for, editor, quote):
        response = client_for(editor).post(
            edit_url(quote),
            {
                "entity_query": "Kim Dzsongun",
                "new_entity_name": "Kim Dzsongun",
                "new_entity_kind": "person",
                "quote_type": "direct",
                "cue_verb": "mondta",
                "note": "<script>alert(1)</script>",
            },
            headers=HTMX,
        )
        assert response.status_code == 200
        quote.refresh_from_db()
        assert quote.entity == Entity.objects.get(name="Kim Dzsongun", kind="person")
        html = response.content.decode()
        assert f'<li id="annotation-{quote.pk}"' in html and 'hx-swap-oob="true"' in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html

    def test_an_existing_entity_typed_exactly_is_linked_without_picking_it(self, client_for, editor, quote):
        kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
        client_for(editor).post(edit_url(quote), {"entity_query": "kim jong un", "quote_type": "direct"}, headers=HTMX)
        quote.refresh_from_db()
        assert quote.entity == kim

    def test_a_claim_gets_a_verdict_and_evidence_links(self, client_for, editor, article):
        claim = make_annotation(article, *span_of(article, "Phenjanba ment"), kind="claim", author=editor)
        response = client_for(editor).post(
            edit_url(claim),
            {"verdict": "mostly_true", "evidence": "https://example.org/a\n\n https://example.org/b "},
            headers=HTMX,
        )
        assert response.status_code == 200
        claim.refresh_from_db()
        assert claim.verdict == "mostly_true"
        assert claim.evidence == ["https://example.org/a", "https://example.org/b"]

    def test_invalid_details_come_back_in_the_form_and_nothing_changes(self, client_for, editor, article):
        claim = make_annotation(article, *span_of(article, "Phenjanba ment"), kind="claim", author=editor)
        response = client_for(editor).post(
            edit_url(claim), {"verdict": "probably", "evidence": "javascript:alert(1)"}, headers=HTMX
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "Select a valid choice. probably is not one of the available choices." in html
        assert "is not a web link (http:// or https://)." in html
        claim.refresh_from_db()
        assert (claim.verdict, claim.evidence) == ("unverified", [])

    def test_an_entity_mention_teaches_the_entity_a_new_spelling(self, client_for, editor, article):
        mention = make_annotation(article, *span_of(article, "Kim Dzsongun", 0), kind="entity", author=editor)
        kim = make_entity("Kim Jong Un")
        client_for(editor).post(edit_url(mention), {"entity": kim.pk, "entity_query": "Kim Jong Un"}, headers=HTMX)
        kim.refresh_from_db()
        assert kim.aliases == ["Kim Dzsongun"]

    def test_another_editor_may_not_change_it(self, client_for, other_editor, quote):
        response = client_for(other_editor).post(edit_url(quote), {"note": "mine now"}, headers=HTMX)
        assert response.status_code == 403
        quote.refresh_from_db()
        assert quote.note == ""

    def test_an_admin_may_change_anyones(self, client_for, admin, quote):
        response = client_for(admin).post(edit_url(quote), {"note": "checked", "quote_type": "direct"}, headers=HTMX)
        assert response.status_code == 200
        quote.refresh_from_db()
        assert quote.note == "checked"

    def test_without_htmx_saving_redirects(self, client_for, editor, quote):
        response = client_for(editor).post(edit_url(quote), {"note": "x", "quote_type": "direct"})
        assert response.status_code == 302

    def test_anonymous_visitors_are_sent_to_log_in(self, client, quote):
        assert client.get(edit_url(quote)).status_code == 302
        assert client.post(edit_url(quote), {"note": "x"}).status_code == 302

    def test_an_unknown_annotation_is_404(self, client_for, editor):
        assert client_for(editor).get("/annotations/999999/", headers=HTMX).status_code == 404


class TestDelete:
    def test_the_author_deletes_it_and_gets_the_changed_fragments(self, client_for, editor, quote, article):
        response = client_for(editor).post(delete_url(quote), shown_revision(article), headers=HTMX)
        assert response.status_code == 200
        assert not Annotation.objects.exists()
        html = response.content.decode()
        assert f'<li id="annotation-{quote.pk}" hx-swap-oob="delete"></li>' in html
        assert html.count("<p id=") == 1 and "<mark" not in html
        assert "Quotes <b>0</b>" in html

    def test_another_editor_may_not_delete_it(self, client_for, other_editor, quote):
        assert client_for(other_editor).post(delete_url(quote), headers=HTMX).status_code == 403
        assert Annotation.objects.filter(pk=quote.pk).exists()

    def test_an_admin_may_delete_anyones(self, client_for, admin, quote):
        assert client_for(admin).post(delete_url(quote), headers=HTMX).status_code == 200
        assert not Annotation.objects.exists()

    def test_without_htmx_it_redirects_to_the_article(self, client_for, editor, quote, article):
        response = client_for(editor).post(delete_url(quote))
        assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/"

    def test_get_is_not_allowed(self, client_for, editor, quote):
        assert client_for(editor).get(delete_url(quote)).status_code == 405
        assert Annotation.objects.exists()


class TestEntityLookup:
    URL = reverse("entities:lookup")
    SPEAKER = {"create": ["person", "organisation"]}  # what the editor of a quote asks for

    def test_it_lists_matches_then_offers_to_create(self, client_for, editor):
        make_entity("Szergej Sojgu")
        html = client_for(editor).get(self.URL, {"entity_query": "Sojgunak", **self.SPEAKER}).content.decode()
        assert 'data-name="Szergej Sojgu" aria-selected="true"' in html
        assert "Create person <q>Sojgunak</q>" in html and "Create organisation" in html
        assert "Create place" not in html  # a speaker is a person or an organisation

    def test_the_quote_editor_asks_for_people_and_organisations(self, client_for, editor, quote):
        html = client_for(editor).get(edit_url(quote), headers=HTMX).content.decode()
        assert 'hx-get="/entities/lookup/?create=person&amp;create=organisation"' in html

    def test_an_exact_match_is_not_offered_again_as_new(self, client_for, editor):
        make_entity("Szergej Sojgu")
        html = client_for(editor).get(self.URL, {"entity_query": "szergej sojgu", "create": "person"}).content.decode()
        assert "Szergej Sojgu" in html and "Create" not in html

    def test_names_are_escaped(self, client_for, editor):
        html = client_for(editor).get(self.URL, {"entity_query": "<img src=x>", "create": "other"}).content.decode()
        assert "&lt;img src=x&gt;" in html and "<img" not in html

    @pytest.mark.parametrize(
        ("parameters", "message"),
        [
            ({"entity_query": "\x00", "create": "person"}, "entity_query: Null characters are not allowed."),
            ({"entity_query": "x" * 201}, "entity_query: Ensure this value has at most 200 characters"),
            ({"entity_query": "x", "create": "gossip"}, "create: Select a valid choice. gossip is not one of"),
        ],
        ids=["nul", "too-long", "unknown-kind"],
    )
    def test_bad_parameters_get_a_400_that_says_why(self, client_for, editor, parameters, message):
        response = client_for(editor).get(self.URL, parameters, headers=HTMX)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert message in response.content.decode()

    def test_someone_outside_the_groups_gets_none(self, client_for, stranger):
        assert client_for(stranger).get(self.URL, {"entity_query": "x", **self.SPEAKER}).status_code == 403


@pytest.mark.parametrize(
    ("method", "url_of"),
    [
        ("post", lambda a, q: reverse("annotations:create", args=[a.pk])),
        ("get", lambda a, q: edit_url(q)),
        ("post", lambda a, q: edit_url(q)),
        ("post", lambda a, q: delete_url(q)),
        ("get", lambda a, q: reverse("entities:lookup") + "?entity_query=Kim&create=person"),
    ],
    ids=["create", "open", "save", "delete", "suggest"],
)
class TestEveryEndpoint:
    def test_anonymous_visitors_are_sent_to_log_in(self, client, article, quote, method, url_of):
        response = getattr(client, method)(url_of(article, quote))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_an_htmx_request_after_the_session_expired_takes_the_page_to_log_in(
        self, client, article, quote, method, url_of
    ):
        # Not a redirect that htmx would follow and swap into the editor: the whole page goes,
        # and comes back to the article after logging in.
        page = f"http://testserver/articles/{article.pk}/?from=list"
        response = getattr(client, method)(url_of(article, quote), headers=HTMX | {"HX-Current-URL": page})
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"/accounts/login/?next=/articles/{article.pk}/%3Ffrom%3Dlist"
        assert Annotation.objects.count() == 1 and Annotation.objects.get().note == ""

    def test_csrf_is_enforced_and_htmx_is_told_to_reload(self, editor, article, quote, method, url_of):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        response = getattr(client, method)(url_of(article, quote), headers=HTMX)
        if method == "post":
            assert (response.status_code, response["Content-Type"]) == (403, "text/plain; charset=utf-8")
            assert response.content.decode().endswith("reload the page and try again.")
        else:
            assert response.status_code == 200
        assert Annotation.objects.count() == 1 and Annotation.objects.get().note == ""

    def test_someone_outside_the_groups_is_refused(self, client_for, stranger, article, quote, method, url_of):
        response = getattr(client_for(stranger), method)(url_of(article, quote), headers=HTMX)
        assert response.status_code == 403
        assert Annotation.objects.count() == 1 and Annotation.objects.get().note == ""


class TestWritesGoThroughTheService:
    def test_an_annotator_without_add_entity_cannot_create_one_through_the_form(self, client_for, quote):
        # Annotates, but may not add to the entity catalogue.
        annotator = User.objects.create_user("anna", password="x")
        annotator.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="annotations", codename__in=["view_annotation", "change_annotation"]
            )
        )
        quote.author = annotator
        quote.save()
        response = client_for(annotator).post(
            edit_url(quote),
            {"entity_query": "Új Ember", "new_entity_name": "Új Ember", "new_entity_kind": "person", "note": "x"},
            headers=HTMX,
        )
        assert response.status_code == 403
        assert response.content.decode() == "You may not add entities to the catalogue."
        assert not Entity.objects.exists()
        quote.refresh_from_db()
        assert (quote.entity, quote.note) == (None, "")

    def test_a_refused_entity_leaves_nothing_half_done(self, editor, article):
        mention = make_annotation(article, *span_of(article, "Kim Dzsongun", 0), kind="entity", author=editor)
        kim = make_entity("Kim Jong Un")
        editor.groups.clear()  # still the author, but no longer allowed to change entities
        editor.user_permissions.set(
            Permission.objects.filter(content_type__app_label="annotations", codename="change_annotation")
        )
        editor = User.objects.get(pk=editor.pk)  # forget the cached permissions
        with pytest.raises(PermissionDenied):
            services.update_annotation(mention, by=editor, entity=kim, note="linked")
        kim.refresh_from_db()
        mention.refresh_from_db()
        assert (kim.aliases, mention.entity, mention.note) == ([], None, "")


class TestPagesStayConsistent:
    """After a create, change or delete the acting editor's page agrees with itself, whoever else wrote."""

    def test_a_create_after_someone_elses_brings_the_whole_list_and_text(
        self, client_for, editor, other_editor, article
    ):
        seen = shown_revision(article)  # the page as the editor loaded it
        theirs = make_annotation(article, *span_of(article, "Harmadik"), author=other_editor)

        response = client_for(editor).post(
            create_url(article), selection(article, "Phenjanba", "entity") | seen, headers=HTMX
        )

        ours = Annotation.objects.get(exact="Phenjanba")
        html = response.content.decode()
        assert '<ol hx-swap-oob="innerHTML:#annotation-list">' in html
        assert f'id="annotation-{theirs.pk}"' in html and f'id="annotation-{ours.pk}"' in html
        assert '<div hx-swap-oob="innerHTML:#article-text">' in html and html.count("<p id=") == 3
        assert f'data-annotations="{theirs.pk}"' in html and f'data-annotations="{ours.pk}"' in html
        assert '<span class="count">2</span>' in html

    def test_a_change_after_someone_elses_brings_the_whole_list(self, client_for, editor, other_editor, quote, article):
        seen = shown_revision(article)
        theirs = make_annotation(article, *span_of(article, "Harmadik"), author=other_editor)
        html = (
            client_for(editor)
            .post(edit_url(quote), {"note": "ellenőrizve", "quote_type": "direct"} | seen, headers=HTMX)
            .content.decode()
        )
        assert '<ol hx-swap-oob="innerHTML:#annotation-list">' in html and f'id="annotation-{theirs.pk}"' in html
        assert "ellenőrizve" in html and '<span class="count">2</span>' in html

    def test_a_delete_after_someone_elses_delete_brings_the_whole_list(self, client_for, editor, quote, article):
        gone = make_annotation(article, *span_of(article, "Harmadik"), author=editor)
        seen = shown_revision(article)
        gone.delete()
        html = client_for(editor).post(delete_url(quote), seen, headers=HTMX).content.decode()
        assert '<ol hx-swap-oob="innerHTML:#annotation-list"></ol>' in html
        assert '<span class="count">0</span>' in html and "<mark" not in html

    def test_alone_on_the_page_only_what_changed_comes_back(self, client_for, editor, quote, article):
        html = (
            client_for(editor)
            .post(edit_url(quote), {"note": "x", "quote_type": "direct"} | shown_revision(article), headers=HTMX)
            .content.decode()
        )
        assert "innerHTML:" not in html and "<p id=" not in html
        assert f'data-annotation="{quote.pk}" hx-swap-oob="true">' in html  # the list entry, replaced
        assert f'<input type="hidden" name="revision" value="{shown_revision(article)["revision"]}">' in html

    def test_the_page_shows_the_revision_it_sends_back(self, client_for, editor, quote, article):
        html = client_for(editor).get(f"/articles/{article.pk}/").content.decode()
        assert f'<input type="hidden" name="revision" value="{shown_revision(article)["revision"]}">' in html


def test_re_rendered_paragraphs_do_not_repeat_the_anchor_of_an_annotation_begun_earlier(client_for, editor, article):
    start, _ = span_of(article, "Phenjanba")
    _, end = span_of(article, "Észak-Korea")
    across = make_annotation(article, start, end, kind="claim", author=editor)
    html = (
        client_for(editor)
        .post(create_url(article), selection(article, "elismerte", "entity"), headers=HTMX)
        .content.decode()
    )
    assert html.count("<p id=") == 1  # only the second paragraph…
    assert f'data-annotations="{across.pk}' in html  # …where the claim goes on…
    assert f'id="hl-{across.pk}"' not in html  # …but its anchor stays in the first paragraph


class TestValuesThatLookLikeFormatting:
    """The markup is made with str.format before format_html fills in the values: braces in the
    values must come out as they are, never as placeholders."""

    def test_braces_in_text_notes_and_names_are_shown_as_written(self, client_for, editor):
        article = make_article("A {0} és a {} jel {kind} után: Kim Dzsongun.")
        kim = make_entity("{} Kim {0}")
        note = make_annotation(article, *span_of(article, "{0} és a {}"), author=editor, entity=kim, note="{pk} {}")
        html = client_for(editor).get(f"/articles/{article.pk}/").content.decode()
        assert (
            f'data-annotation="{note.pk}" data-depth="1" '
            f'aria-describedby="annotation-kind-{note.pk} annotation-details-{note.pk}">{{0}} és a {{}}</mark>'
        ) in html
        assert "jel {kind} után" in html
        assert '<span class="entity">{} Kim {0}</span>' in html and '<p class="note">{pk} {}</p>' in html


def test_an_edit_after_someone_else_changed_the_same_annotation_brings_everything(
    client_for, editor, admin, quote, article
):
    seen = shown_revision(article)
    client_for(admin).post(edit_url(quote), {"note": "az adminé", "quote_type": "direct"} | seen, headers=HTMX)
    html = (
        client_for(editor)
        .post(edit_url(quote), {"note": "az enyém", "quote_type": "direct"} | seen, headers=HTMX)
        .content.decode()
    )
    assert '<ol hx-swap-oob="innerHTML:#annotation-list">' in html and "az enyém" in html


def test_an_entity_renamed_meanwhile_brings_the_whole_list(client_for, editor, quote, article):
    kim = make_entity("Kim Dzsongun")
    services.update_annotation(quote, by=editor, entity=kim, quote_type="direct")
    seen = shown_revision(article)
    kim.name = "Kim Dzsong Un"  # renamed in the catalogue: the page still shows the old name
    kim.save()
    mention = selection(article, "Phenjanba", "entity") | seen
    html = client_for(editor).post(create_url(article), mention, headers=HTMX).content.decode()
    assert '<ol hx-swap-oob="innerHTML:#annotation-list">' in html and "Kim Dzsong Un" in html


def test_a_change_never_brings_back_an_annotation_deleted_meanwhile(client_for, editor, quote):
    loaded = Annotation.objects.select_related("entity", "author", "article").get(pk=quote.pk)  # as the save found it
    Annotation.objects.filter(pk=quote.pk).delete()  # deleted by someone else just then
    with pytest.raises(Annotation.DoesNotExist, match="deleted meanwhile"):
        services.update_annotation(loaded, by=editor, entity=None, note="még itt vagyok", quote_type="direct")
    assert not Annotation.objects.exists()


def test_saving_an_annotation_deleted_meanwhile_says_so(client_for, editor, quote, monkeypatch):
    # The delete lands between the editor's check and the service's update.
    update = services.update_annotation

    def deleted_first(annotation, **changes):
        Annotation.objects.filter(pk=annotation.pk).delete()
        return update(annotation, **changes)

    monkeypatch.setattr(services, "update_annotation", deleted_first)
    response = client_for(editor).post(edit_url(quote), {"note": "x", "quote_type": "direct"}, headers=HTMX)
    assert (response.status_code, response.content.decode()) == (
        404,
        "This annotation was deleted meanwhile: nothing was saved.",
    )
    assert not Annotation.objects.exists()


class TestBounds:
    """Limits are enforced with a message naming them, never by cutting what was sent."""

    @pytest.fixture
    def claim(self, article, editor):
        return make_annotation(article, *span_of(article, "Phenjanba ment"), kind="claim", author=editor)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"note": "x" * 10_001}, "Ensure this value has at most 10000 characters (it has 10001)."),
            ({"evidence": "\n".join(f"https://example.org/{i}" for i in range(21))}, "At most 20 links"),
            ({"evidence": "https://example.org/" + "a" * 600}, "A link may be at most 500 characters long."),
        ],
        ids=["note", "links", "link"],
    )
    def test_too_much_is_refused_whole(self, client_for, editor, claim, data, message):
        response = client_for(editor).post(edit_url(claim), {"verdict": "false", **data}, headers=HTMX)
        assert response.status_code == 422 and message in response.content.decode()
        claim.refresh_from_db()
        assert (claim.verdict, claim.note, claim.evidence) == ("unverified", "", [])

    def test_a_mention_longer_than_a_name_links_the_entity_without_becoming_an_alias(self, editor):
        body = "Kim " + "nagyon " * 40 + "hosszú."
        article = make_article(body)
        mention = make_annotation(article, 0, len(body) - 1, kind="entity", author=editor)
        kim = make_entity("Kim Dzsongun")
        services.update_annotation(mention, by=editor, entity=kim, note="")
        kim.refresh_from_db()
        mention.refresh_from_db()
        assert (mention.entity, kim.aliases) == (kim, [])


def test_annotating_an_article_deleted_meanwhile_says_so(client_for, editor, article, monkeypatch):
    create = services.create_annotation

    def deleted_first(*, article, **rest):
        Article.objects.filter(pk=article.pk).delete()  # an admin deletes it just then
        return create(article=article, **rest)

    monkeypatch.setattr(services, "create_annotation", deleted_first)
    response = client_for(editor).post(create_url(article), selection(article, "Phenjanba", "entity"), headers=HTMX)
    assert (response.status_code, response.content.decode()) == (
        404,
        "This article was deleted meanwhile: nothing was saved.",
    )
    assert not Annotation.objects.exists()
