"""The suggestion endpoints on the article page: suggest, accept (as proposed and edited), reject,
accept all of a kind; every refusal."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation
from entities.models import Entity
from suggestions import services
from suggestions.models import Suggestion
from tests.factories import make_article, make_entity, span_of
from tests.test_stored_suggestions import sample_body, sample_catalogue

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
BODY = "„Ez lesz a jövő” – mondta Kim Dzsongun. Később Sojgunak szólt Phenjanban. „Nem” – mondta Kovács Béla."


@pytest.fixture
def article():
    make_entity("Kim Dzsongun")
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    make_entity("Phenjan", kind=Entity.Kind.PLACE)
    article = make_article(BODY)
    services.suggest_for_article(article)
    return article


def suggestion(article, text, kind="entity") -> Suggestion:
    return Suggestion.objects.get(article=article, kind=kind, exact=text)


def url(name, article, item=None) -> str:
    return reverse(f"suggestions:{name}", args=[article.pk] + ([item.pk] if item else []))


# (name, needs a suggestion, POST data)
ACTIONS = [
    ("accept", True, {}),
    ("reject", True, {}),
    ("accept-all", False, {"kind": "entity"}),
    ("suggest", False, {}),
]


class TestThePage:
    def test_an_editor_sees_the_pending_suggestions_with_counts_per_kind(self, client_for, editor, article):
        html = client_for(editor).get(article.get_absolute_url()).content.decode()
        assert 'id="suggestions"' in html
        assert f'id="suggestion-{suggestion(article, "Sojgunak").pk}"' in html
        # Three catalogued mentions, and Kovács Béla as a new name (the quote's speaker too).
        assert 'data-kind="entity">Entity mention <b data-count>4</b>' in html
        assert 'Kovács Béla</span> <span class="tag">new entity</span>' in html
        assert "js/suggestions.js" in html

    def test_someone_who_may_not_annotate_sees_none(self, client_for, article):
        reader = make_reader()
        html = client_for(reader).get(article.get_absolute_url()).content.decode()
        assert 'id="suggestions"' not in html

    def test_an_accepted_annotation_says_where_it_came_from(self, client_for, editor, article):
        services.accept(suggestion(article, "Ez lesz a jövő", "quote"), by=editor)
        html = client_for(editor).get(article.get_absolute_url()).content.decode()
        assert f"Suggested by quote-after (0.90), accepted by {editor.username}" in html


def make_reader():
    """Someone who may read articles and annotations, not annotate."""
    reader = User.objects.create_user("reader")
    reader.user_permissions.add(
        Permission.objects.get(codename="view_article"), Permission.objects.get(codename="view_annotation")
    )
    return reader


class TestAccept:
    def test_an_editor_accepts_and_gets_the_panel_and_the_annotations(self, client_for, editor, article):
        quote = suggestion(article, "Ez lesz a jövő", "quote")
        response = client_for(editor).post(url("accept", article, quote), headers=HTMX)
        assert response.status_code == 200
        annotation = Annotation.objects.get()
        assert (annotation.entity.name, annotation.provenance, annotation.author) == (
            "Kim Dzsongun",
            "suggestion",
            editor,
        )
        html = response.content.decode()
        assert 'id="suggestions"' in html and f'id="suggestion-{quote.pk}"' not in html
        assert 'hx-swap-oob="innerHTML:#annotation-list"' in html
        assert f'data-annotation="{annotation.pk}"' in html

    def test_without_htmx_it_redirects_to_the_article(self, client_for, editor, article):
        response = client_for(editor).post(url("accept", article, suggestion(article, "Sojgunak")))
        assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
        assert Annotation.objects.filter(kind="entity", exact="Sojgunak").exists()

    def test_a_proposed_speaker_is_created_on_acceptance(self, client_for, editor, article):
        client_for(editor).post(url("accept", article, suggestion(article, "Nem", "quote")), headers=HTMX)
        assert Annotation.objects.get().entity == Entity.objects.get(name="Kovács Béla", kind="person")

    def test_accepting_twice_is_refused_with_409(self, client_for, editor, other_editor, article):
        sojgu = suggestion(article, "Sojgunak")
        client_for(editor).post(url("accept", article, sojgu), headers=HTMX)
        response = client_for(other_editor).post(url("accept", article, sojgu), headers=HTMX)
        assert response.status_code == 409
        assert "accepted already" in response.content.decode()
        assert Annotation.objects.count() == 1

    def test_a_rejected_one_cannot_be_accepted(self, client_for, editor, article):
        sojgu = suggestion(article, "Sojgunak")
        client_for(editor).post(url("reject", article, sojgu), headers=HTMX)
        response = client_for(editor).post(url("accept", article, sojgu))
        assert response.status_code == 409 and "rejected already" in response.content.decode()
        assert not Annotation.objects.exists()


class TestEdit:
    def test_the_form_comes_prefilled(self, client_for, editor, article):
        quote = suggestion(article, "Ez lesz a jövő", "quote")
        response = client_for(editor).get(url("edit", article, quote), headers=HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="Kim Dzsongun"' in html and 'value="mondta"' in html
        assert '<option value="direct" selected>' in html
        assert "<html" not in html  # the fragment only

    def test_without_htmx_it_is_a_page(self, client_for, editor, article):
        response = client_for(editor).get(url("edit", article, suggestion(article, "Sojgunak")))
        assert response.status_code == 200 and "<html" in response.content.decode()

    def test_every_label_is_in_hungarian(self, client_for, editor, article):
        quote = suggestion(article, "Ez lesz a jövő", "quote")
        response = client_for(editor).get(url("edit", article, quote), headers={**HTMX, "accept-language": "hu"})
        labels = re.findall(r"<label[^>]*>([^<]*)</label>", response.content.decode())
        assert "Megjegyzés" in labels and "Note" not in labels

    def test_accepting_the_edited_suggestion_takes_the_changes(self, client_for, editor, article):
        quote = suggestion(article, "Ez lesz a jövő", "quote")
        start, end = span_of(article, "Ez lesz")
        data = {
            "start": start,
            "end": end,
            "entity_name": "Szergej Sojgu",
            "entity_kind": "",
            "quote_type": "indirect",
            "cue_verb": "mondta",
            "note": "checked",
        }
        response = client_for(editor).post(url("accept", article, quote), data, headers=HTMX)
        assert response.status_code == 200
        annotation = Annotation.objects.get()
        assert (annotation.exact, annotation.entity.name, annotation.quote_type, annotation.note) == (
            "Ez lesz",
            "Szergej Sojgu",
            "indirect",
            "checked",
        )

    def test_a_new_name_makes_a_new_entity_of_the_kind_given(self, client_for, editor, article):
        sojgu = suggestion(article, "Sojgunak")
        start, end = sojgu.start, sojgu.end
        data = {"start": start, "end": end, "entity_name": "Sojgu-ház", "entity_kind": "organisation"}
        client_for(editor).post(url("accept", article, sojgu), data, headers=HTMX)
        assert Annotation.objects.get().entity == Entity.objects.get(name="Sojgu-ház", kind="organisation")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"start": 5, "end": 5000}, "is not inside this article"),
            ({"start": "x", "end": 3}, "Enter a whole number"),
            ({"start": 0, "end": 1}, "spaces and punctuation alone"),
            ({"start": 1, "end": 3, "quote_type": "loud"}, "Select a valid choice"),
        ],
    )
    def test_a_bad_edit_is_refused_with_what_was_wrong(self, client_for, editor, article, data, message):
        quote = suggestion(article, "Ez lesz a jövő", "quote")
        response = client_for(editor).post(url("accept", article, quote), data, headers=HTMX)
        assert response.status_code == 422
        assert message in response.content.decode()
        assert response["HX-Retarget"] == f"#suggestion-{quote.pk} .suggestion-edit"
        assert not Annotation.objects.exists()

    def test_a_decided_one_is_not_offered_for_editing(self, client_for, editor, article):
        sojgu = suggestion(article, "Sojgunak")
        services.reject(sojgu, by=editor)
        assert client_for(editor).get(url("edit", article, sojgu), headers=HTMX).status_code == 409


class TestReject:
    def test_an_editor_rejects_and_it_is_not_proposed_again(self, client_for, editor, article):
        sojgu = suggestion(article, "Sojgunak")
        client = client_for(editor)
        response = client.post(url("reject", article, sojgu), headers=HTMX)
        assert response.status_code == 200 and f'id="suggestion-{sojgu.pk}"' not in response.content.decode()
        response = client.post(url("suggest", article), headers=HTMX)
        assert f'id="suggestion-{sojgu.pk}"' not in response.content.decode()
        assert not Suggestion.objects.filter(article=article, exact="Sojgunak").pending().exists()
        assert not Annotation.objects.exists()


class TestAcceptAll:
    def test_it_accepts_every_pending_one_of_the_kind(self, client_for, editor, article):
        response = client_for(editor).post(url("accept-all", article), {"kind": "entity"}, headers=HTMX)
        assert response.status_code == 200
        assert Annotation.objects.filter(kind="entity").count() == 4  # Kovács Béla's new name too
        assert Entity.objects.filter(name="Kovács Béla", kind="person").exists()
        assert Suggestion.objects.filter(article=article, kind="quote").pending().count() == 2
        assert 'data-kind="entity">Entity mention <b data-count>0</b>' in response.content.decode()

    @pytest.mark.parametrize("data", [{}, {"kind": "claim"}, {"kind": "everything"}])
    def test_an_unknown_kind_is_refused_with_400(self, client_for, editor, article, data):
        response = client_for(editor).post(url("accept-all", article), data, headers=HTMX)
        assert response.status_code == 400 and "kind" in response.content.decode()
        assert not Annotation.objects.exists()


class TestRefusals:
    @pytest.mark.parametrize(("name", "one", "data"), ACTIONS)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, article, name, one, data):
        response = client.post(url(name, article, suggestion(article, "Sojgunak") if one else None), data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize(("name", "one", "data"), ACTIONS)
    def test_someone_who_may_not_annotate_is_refused(self, client_for, article, name, one, data):
        response = client_for(make_reader()).post(
            url(name, article, suggestion(article, "Sojgunak") if one else None), data, headers=HTMX
        )
        assert response.status_code == 403
        assert not Annotation.objects.exists()
        assert not Suggestion.objects.exclude(status="pending").exists()

    def test_the_edit_form_is_refused_too(self, client_for, stranger, article):
        assert client_for(stranger).get(url("edit", article, suggestion(article, "Sojgunak"))).status_code == 403

    @pytest.mark.parametrize("name", ["accept", "reject", "edit"])
    def test_a_suggestion_of_another_article_is_not_found(self, client_for, editor, article, name):
        other = make_article("Egy másik cikk.")
        sojgu = suggestion(article, "Sojgunak")
        path = reverse(f"suggestions:{name}", args=[other.pk, sojgu.pk])
        client = client_for(editor)
        response = client.get(path) if name == "edit" else client.post(path, headers=HTMX)
        assert response.status_code == 404
        assert Suggestion.objects.get(pk=sojgu.pk).status == "pending"

    def test_an_unknown_article_is_not_found(self, client_for, editor, article):
        missing = article.pk + 1000
        client = client_for(editor)
        assert client.post(reverse("suggestions:suggest", args=[missing])).status_code == 404
        assert client.post(reverse("suggestions:accept-all", args=[missing]), {"kind": "entity"}).status_code == 404

    @pytest.mark.parametrize(("name", "one", "data"), ACTIONS)
    def test_csrf_is_enforced(self, editor, article, name, one, data):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        response = client.post(url(name, article, suggestion(article, "Sojgunak") if one else None), data, headers=HTMX)
        assert response.status_code == 403
        assert not Annotation.objects.exists()

    @pytest.mark.parametrize(("name", "one", "data"), ACTIONS)
    def test_get_is_not_allowed_where_a_post_changes_things(self, client_for, editor, article, name, one, data):
        response = client_for(editor).get(url(name, article, suggestion(article, "Sojgunak") if one else None))
        assert response.status_code == 405


def test_the_sample_article_is_accepted_in_a_few_requests(client_for, editor):
    """The issue's sample: its suggestions accepted kind by kind, one request (one key) each."""
    sample_catalogue()
    article = make_article(sample_body())
    client = client_for(editor)
    client.post(url("suggest", article), headers=HTMX)
    kim = Suggestion.objects.get(article=article, kind="quote", exact__startswith="akik az igazságért")
    for data in ({"kind": "entity"}, {"kind": "source"}):
        assert client.post(url("accept-all", article), data, headers=HTMX).status_code == 200
    assert client.post(url("accept", article, kim), headers=HTMX).status_code == 200
    annotations = Annotation.objects.filter(article=article, provenance="suggestion")
    assert {a.exact for a in annotations.filter(kind="source")} >= {"TASZSZ", "ABC News", "orosz állami média"}
    assert annotations.get(kind="quote").entity.name == "Kim Dzsongun"
    assert {a.entity.name for a in annotations.filter(kind="entity")} >= {
        "Szergej Sojgu",
        "Vlagyimir Putyin",
        "Kim Dzsongun",
        "Phenjan",
    }
