"""Who else has an article's page open, and whether its annotations changed: the page's freshness
check (articles.views.article_fresh), asked every few seconds by every open page, in two queries."""

import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from articles.models import Article, Reader

# A page that has not asked for this long is closed (three missed checks).
PRESENT_SECONDS = 10
# A reader's row is written at most this often: most checks only read.
TOUCH_SECONDS = 5


@cache
def _sql() -> str:
    quote = connection.ops.quote_name
    reader, article, user = (
        quote(Reader._meta.db_table),
        quote(Article._meta.db_table),
        quote(get_user_model()._meta.db_table),
    )
    # Touch this reader's row (unless touched lately), then read the article's version and who
    # else was seen lately: one statement, one round trip.
    return f"""
    WITH touched AS (
        INSERT INTO {reader} (article_id, user_id, seen_at)
        SELECT id, %(user)s, now() FROM {article} WHERE id = %(article)s  -- none for a deleted article
        ON CONFLICT (article_id, user_id) DO UPDATE SET seen_at = now()
        WHERE {reader}.seen_at < now() - make_interval(secs => %(touch)s)
        RETURNING 1
    )
    SELECT a.annotation_version,
           ARRAY(SELECT u.username FROM {reader} r JOIN {user} u ON u.id = r.user_id
                  WHERE r.article_id = a.id AND r.user_id <> %(user)s
                    AND r.seen_at > now() - make_interval(secs => %(present)s)
                  ORDER BY u.username)
      FROM {article} a WHERE a.id = %(article)s
    """


def check(article_id: int, user_id: int) -> tuple[int, list[str]] | None:
    """The article's annotation version and the names of the others who have it open (None: no
    such article), after noting that this user has it open."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(),
            {"article": article_id, "user": user_id, "touch": TOUCH_SECONDS, "present": PRESENT_SECONDS},
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def others(article_id: int, user_id: int) -> list[str]:
    """Who else has the article open, without noting this user (rendering the page writes nothing:
    its first check, 3 s later, does)."""
    recently = timezone.now() - datetime.timedelta(seconds=PRESENT_SECONDS)
    return list(
        Reader.objects.filter(article_id=article_id, seen_at__gt=recently)
        .exclude(user_id=user_id)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
