"""The article page stays current: a cheap check answers 204 while nothing changed, else what changed
and who else has the page open."""

import pytest
from django.urls import reverse

from tests.factories import make_annotation, make_article, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim Dzsongun szerint minden rendben van."


def _check(client, article, revision, present=""):
    return client.get(reverse("articles:fresh", args=[article.pk]), {"revision": revision, "present": present})


def test_nothing_changed_is_204_in_a_few_queries(client_for, editor, django_assert_num_queries):
    article = make_article(BODY)
    client = client_for(editor)
    client.get(article.get_absolute_url())
    article.refresh_from_db()
    # session, user, permissions, and one statement: touch the reader, read the version and readers
    with django_assert_num_queries(4):
        response = _check(client, article, article.annotation_version)
    assert response.status_code == 204


def test_others_changes_come_with_the_text_list_and_counts(client_for, editor, other_editor):
    article = make_article(BODY)
    client = client_for(editor)
    shown = article.annotation_version
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=other_editor)
    response = _check(client, article, shown)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#article-text"' in html and "hl-entity" in html
    assert 'hx-swap-oob="innerHTML:#annotation-list"' in html
    assert 'name="revision" value="1"' in html
    assert 'id="annotator-panel"' not in html  # never the editor someone may be typing in


def test_it_shows_who_else_has_the_article_open(client_for, editor, other_editor):
    article = make_article(BODY)
    _check(client_for(other_editor), article, 0)  # their page's check notes them; opening writes nothing
    page = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert "Also open: ede" in page
    response = _check(client_for(editor), article, 0, present="ede")
    assert response.status_code == 204
    response = _check(client_for(other_editor), article, 0, present="")
    assert "Also open: erika" in response.content.decode()


def test_the_check_needs_the_right_to_read_annotations(client_for, stranger):
    article = make_article(BODY)
    assert _check(client_for(stranger), article, 0).status_code == 403


def test_a_deleted_articles_check_is_404(client_for, editor):
    article = make_article(BODY)
    pk = article.pk
    article.delete()
    assert client_for(editor).get(reverse("articles:fresh", args=[pk]), {"revision": 0}).status_code == 404
