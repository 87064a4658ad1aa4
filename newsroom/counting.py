"""Counts that stop early: how many rows a search finds, up to a bound.

Counting every match of a word most articles have means reading most of the archive (the rows
and, for a search, each one's search vector): seconds at 100,000 articles, more than the rest of
the page. Past MOST_COUNTED the exact figure tells an editor nothing a "1000+" does not.
"""

from django.db.models import QuerySet

MOST_COUNTED = 1000


def bounded_count(found: QuerySet) -> int:
    """The rows' count, up to MOST_COUNTED + 1 (which reads as "more than MOST_COUNTED"):
    SELECT count(*) FROM (… LIMIT 1001), in no order, so that PostgreSQL stops at the 1001st row
    rather than sorting every match first."""
    return found.order_by()[: MOST_COUNTED + 1].count()
