"""The one write path for articles as editors change them (importing stores them: imports.importing)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import require
from articles.models import Article


@transaction.atomic
def update_article(article: Article, *, by, title: str, status: str) -> Article:
    require(by, "articles.change_article", _("You may not change articles."))
    article.title, article.status = title, status
    article.save(update_fields=["title", "status"])
    return article
