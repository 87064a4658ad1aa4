"""The editorial queue: "Next article" gives an editor the oldest new article no one else has
opened lately, and two editors pressing it at once get different ones.

Having an article open is already recorded: its page's freshness check keeps a Reader row per
person and article (articles.presence). Taking an article from the queue writes that row too, so
the article counts as opened from the moment it is handed out, before its page has loaded.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.db.models.functions import Now

from articles.models import Article, Reader

# Opened by someone else within this long: that person is presumably still on it.
OPENED_RECENTLY = datetime.timedelta(minutes=30)
# Candidates locked by others are skipped, not waited for; a few more may turn out opened meanwhile.
ATTEMPTS = 20


def opened_by_others(user_id: int):
    return Exists(
        Reader.objects.filter(article=OuterRef("pk"), seen_at__gt=Now() - OPENED_RECENTLY).exclude(user_id=user_id)
    )


def take_next(user_id: int) -> Article | None:
    """The oldest new article (by publication date, then id) no one else opened in the last 30
    minutes, noted as opened by this user. Must run in a transaction, which it locks the article in.

    Two at once: the candidate's row is locked (FOR UPDATE SKIP LOCKED), so the other takes the
    next one; and the lock is only granted after the holder has committed its Reader row, which the
    check after locking then sees (a statement's snapshot is taken when it starts, under READ
    COMMITTED, so the first query alone could miss it)."""
    passed: list[int] = []
    for _ in range(ATTEMPTS):
        article = (
            Article.objects.filter(status=Article.Status.NEW)
            .exclude(pk__in=passed)
            .exclude(opened_by_others(user_id))
            .defer("body", "search_vector")
            .order_by("published_on", "id")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if article is None:
            return None
        if Article.objects.filter(pk=article.pk).filter(opened_by_others(user_id)).exists():
            passed.append(article.pk)
            continue
        Reader.objects.update_or_create(article=article, user_id=user_id, defaults={"seen_at": Now()})
        return article
    return None
