from django.tasks import task

from articles.indexing import fill_search_index
from imports.running import run_batch
from suggestions.services import suggest_for_articles


@task
def import_batch(batch_id: int) -> None:
    """Run an import batch in a worker (`manage.py db_worker`)."""
    run_batch(batch_id)


@task
def after_import(article_ids: list[int]) -> None:
    """What follows an import, in a worker: enqueued in the transaction of every group of files
    an import stores, with the ids of the articles it stored (imports.importing).

    The search index first, so that search finds them within seconds (README, "Search"): every
    article still waiting is indexed, not only these, so a step that failed or never ran is made
    good by the next. Then the suggestions for these articles (README, "Suggestions"), which take
    longer; an article whose step was lost gets them from its page's Suggest button.
    """
    fill_search_index()
    suggest_for_articles(article_ids)
