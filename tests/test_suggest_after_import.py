"""Suggestions are made in the background for what an import stored (imports.tasks.after_import)."""

import pytest

from imports.importing import SeedSource, import_seed_files
from imports.tasks import after_import
from suggestions.models import Suggestion
from tests.factories import make_entity, run_queued_after_import_steps

pytestmark = pytest.mark.django_db

TEXT = "date 2025-06-09 Szergej Sojgu Phenjanba utazott. „Ez egy történelmi nap” – mondta Kim Dzsongun."


def test_an_imported_article_has_suggestions_once_the_worker_ran_its_step(database_tasks):
    sojgu = make_entity("Szergej Sojgu")
    kim = make_entity("Kim Dzsongun")
    article_id = import_seed_files([SeedSource("a.txt", load=TEXT.encode)]).files[0].article_id

    # Not during the import: the import only queues the step, in the transaction that stored the article.
    assert not Suggestion.objects.filter(article_id=article_id).exists()

    run_queued_after_import_steps()
    pending = Suggestion.objects.filter(article_id=article_id).pending()
    assert {(s.kind, s.exact, s.entity_id) for s in pending} >= {
        ("entity", "Szergej Sojgu", sojgu.pk),
        ("entity", "Kim Dzsongun", kim.pk),
        ("quote", "Ez egy történelmi nap", kim.pk),
    }


def test_running_the_step_again_proposes_nothing_twice(database_tasks):
    make_entity("Szergej Sojgu")
    article_id = import_seed_files([SeedSource("a.txt", load=TEXT.encode)]).files[0].article_id
    after_import.call([article_id])
    first = sorted(Suggestion.objects.filter(article_id=article_id).values_list("pk", "kind", "start", "end"))
    assert first

    after_import.call([article_id])
    assert sorted(Suggestion.objects.filter(article_id=article_id).values_list("pk", "kind", "start", "end")) == first


def test_a_step_for_an_article_deleted_meanwhile_does_not_fail(database_tasks):
    article_id = import_seed_files([SeedSource("a.txt", load=TEXT.encode)]).files[0].article_id
    from articles.models import Article

    Article.objects.filter(pk=article_id).delete()
    run_queued_after_import_steps()
    assert not Suggestion.objects.filter(article_id=article_id).exists()
