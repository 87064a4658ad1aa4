"""The one write path for articles once they exist (imports.importing stores new ones, in bulk)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import require
from articles import queue
from articles.models import Article
from history.context import recorded


@recorded
@transaction.atomic
def save_article(article: Article, *, by) -> Article:
    """Store an article as edited whole (the admin's form; its body and origin stay read-only there)."""
    require(by, "articles.change_article", _("You may not change articles."))
    article.save()
    return article


@recorded
@transaction.atomic
def delete_articles(articles, *, by) -> None:
    """Delete articles, their annotations with them."""
    require(by, "articles.delete_article", _("You may not delete articles."))
    for article in articles:
        article.delete()


@recorded
@transaction.atomic
def update_article(article: Article, *, by, title: str, status: str) -> Article:
    require(by, "articles.change_article", _("You may not change articles."))
    article.title, article.status = title, status
    article.save(update_fields=["title", "status"])
    return article


@transaction.atomic
def take_next_article(*, by) -> Article | None:
    """The editorial queue's next article for this editor (articles.queue), or None when every new
    article is taken. Nothing editorial changes (only who has it open), so no history is recorded."""
    require(by, "articles.change_article", _("You may not take articles from the queue."))
    return queue.take_next(by.pk)
