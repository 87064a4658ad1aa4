"""An article's annotation_version, kept by the database (annotations migration 0002), and the
rendered page cached under it: a page is never served from the cache after what it shows changed."""

import pytest

from annotations import services
from annotations.models import Annotation
from articles.models import Article
from entities import services as entity_services
from entities.models import Entity
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim 🚀 Dzsongun Phenjanba ment. Szergej Sojgu is ott volt: „hősök” – mondta Őrsi Ünige."


def version(article) -> int:
    return Article.objects.values_list("annotation_version", flat=True).get(pk=article.pk)


@pytest.fixture
def article():
    return make_article(BODY)


class TestVersion:
    def test_each_service_call_raises_it_by_exactly_one(self, editor, article):
        assert version(article) == 0
        annotation = services.create_annotation(article=article, kind="quote", start=0, end=3, by=editor).annotation
        assert version(article) == 1
        kim = make_entity("Kim Dzsongun")
        services.update_annotation(annotation, by=editor, entity=kim, note="Forrás?")
        assert version(article) == 2
        services.update_annotation(annotation, by=editor, entity=None, new_entity=("Kim Dzsong Un", "person"))
        assert version(article) == 3
        services.delete_annotation(annotation, by=editor)
        assert version(article) == 4

    def test_one_statement_over_many_annotations_raises_it_once(self, editor, article):
        for word in ["Kim", "Szergej", "Őrsi"]:
            make_annotation(article, *span_of(article, word), author=editor)
        before = version(article)
        Annotation.objects.filter(article=article).update(note="x")
        assert version(article) == before + 1
        Annotation.objects.filter(article=article).delete()
        assert version(article) == before + 2

    def test_renaming_or_deleting_an_entity_raises_it_where_the_entity_is_named(self, editor, admin, article):
        elsewhere = make_article("Más cikk Kim nélkül.")
        kim = make_entity("Kim Dzsongun")
        make_annotation(article, *span_of(article, "Kim"), author=editor, entity=kim)
        before, untouched = version(article), version(elsewhere)

        kim.aliases = ["Kim"]  # not a name the page shows
        entity_services.save_entity(kim, by=admin)
        assert version(article) == before
        kim.name = "Kim Dzsong Un"
        entity_services.save_entity(kim, by=admin)
        assert version(article) == before + 1
        entity_services.delete_entities(Entity.objects.filter(pk=kim.pk), by=admin)
        assert version(article) == before + 2
        assert version(elsewhere) == untouched

    def test_another_articles_annotations_leave_it_alone(self, editor, article):
        other = make_article("Más cikk, Kim is benne van.")
        make_annotation(other, *span_of(other, "Kim"), author=editor)
        assert version(article) == 0 and version(other) == 1


class TestRenderedPageCache:
    """Each test reads the page first, so that it is cached, then changes what the page shows."""

    def read(self, client, article) -> str:
        return client.get(article.get_absolute_url()).content.decode()

    def test_a_changed_note_is_shown_to_the_next_reader(self, client_for, editor, other_editor, article):
        annotation = make_annotation(article, *span_of(article, "Kim"), author=editor)
        reader = client_for(other_editor)
        assert "Ellenőrizni" not in self.read(reader, article)

        services.update_annotation(annotation, by=editor, entity=None, note="Ellenőrizni kell")

        assert "Ellenőrizni kell" in self.read(reader, article)

    def test_an_entity_renamed_elsewhere_is_shown_with_its_new_name(self, client_for, editor, admin, article):
        entity = make_entity("Kim Dzsongun")
        make_annotation(article, *span_of(article, "Kim"), author=editor, entity=entity)
        reader = client_for(editor)
        assert "Kim Dzsongun" in self.read(reader, article)

        entity.name = "Kim Dzsong Un"
        entity_services.save_entity(entity, by=admin)

        assert "Kim Dzsong Un" in self.read(reader, article)

    def test_a_deleted_or_added_annotation_is_shown_as_it_is_now(self, client_for, editor, article):
        first = make_annotation(article, *span_of(article, "Kim"), author=editor)
        reader = client_for(editor)
        assert f'id="annotation-{first.pk}"' in self.read(reader, article)

        services.delete_annotation(first, by=editor)
        assert f'id="annotation-{first.pk}"' not in self.read(reader, article)

        second = services.create_annotation(article=article, kind="claim", start=0, end=3, by=editor).annotation
        assert f'id="annotation-{second.pk}"' in self.read(reader, article)


def test_saving_an_article_read_before_a_change_keeps_the_version(editor, admin, article):
    from articles import services as article_services

    stale = Article.objects.get(pk=article.pk)
    services.create_annotation(article=article, kind="quote", start=0, end=3, by=editor)
    stale.title = "Új cím"
    article_services.save_article(stale, by=admin)  # as the admin's form does
    assert version(article) == 1
    # And the database refuses to take it back, whoever writes the row.
    Article.objects.filter(pk=article.pk).update(annotation_version=0)
    assert version(article) == 1
