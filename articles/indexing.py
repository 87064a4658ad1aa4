"""The articles' search index (Article.search_vector): computed by the database, at once or a moment later.

The vector holds the title and text stemmed with ``hungarian``, and the capitalised words (names,
mostly) once more, unstemmed and unaccented, with ``simple`` (DOMAIN.md), as one SQL function,
``newsroom_article_search_vector(title, body)`` (migration articles 0014). A trigger computes it
whenever an article is written, so every ordinary write (the admin, a service, a test) is
searchable as it commits, and a changed title or text changes it.

Computing it is most of what storing an article costs, so the importer's bulk statement runs
under ``search_index_deferred()``: the trigger leaves those vectors NULL, and the search-index
step, ``fill_search_index()``, computes them a few thousand at a time, after the import's
transactions commit: in the worker (imports.tasks.after_import, enqueued in the transaction of
every group of files an import stores) and at the end of ``manage.py import_seeds``. Until then
search does not find those articles (README, "Search": how long that is).
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

# A transaction-local setting (set_config(..., true)) the trigger reads: 'on' while the importer inserts.
DEFER_SETTING = "newsroom.defer_search_index"
# Articles indexed per statement and transaction: big enough that a round trip is nothing beside
# the text parsing, small enough that a chunk's row locks are held for well under a second.
CHUNK = 1000

# Both computed by the database, and by no other code: one definition of what is indexed.
TRIGGER_FUNC = f"""
IF TG_OP = 'INSERT' THEN
    IF current_setting('{DEFER_SETTING}', true) = 'on' THEN
        NEW.search_vector := NULL;  -- the search-index step computes it after the import commits
    ELSE
        NEW.search_vector := newsroom_article_search_vector(NEW.title, NEW.body);
    END IF;
ELSIF OLD.search_vector IS NULL AND NEW.search_vector IS NOT NULL THEN
    -- The search-index step, which wrote the function's value for the row it updates: kept, the
    -- text not compared (that would read the whole text twice more).
ELSIF NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body OR OLD.search_vector IS NULL THEN
    -- A changed text; or any other write of an article still waiting for the step, which indexes it.
    NEW.search_vector := newsroom_article_search_vector(NEW.title, NEW.body);
ELSE
    -- The text is unchanged, so is its vector, whatever the statement wrote (a stale copy).
    NEW.search_vector := OLD.search_vector;
END IF;
RETURN NEW;
"""


def search_vector_trigger():
    import pgtrigger  # only where a model declares one

    return pgtrigger.Trigger(
        name="keep_search_vector",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func=TRIGGER_FUNC,
    )


@contextmanager
def search_index_deferred():
    """Within the current transaction, articles inserted are left for the search-index step.

    Only for the block: a caller's enclosing transaction (a test) indexes its own writes again
    after it. Should the block fail, rolling back its transaction or savepoint undoes the setting.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [DEFER_SETTING])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [DEFER_SETTING])


def _fill_sql() -> str:
    from articles.models import Article  # the models module declares this module's trigger

    table = Article._meta.db_table
    # SKIP LOCKED: several steps at once (two workers, the command and a worker) share the work.
    # ANY(ARRAY(…)): the ids first, then each row by its key, whatever the statistics of a table
    # just filled say (a join with the waiting rows was planned as a nested loop over all of them).
    return f"""
    UPDATE {table} SET search_vector = newsroom_article_search_vector(title, body)
     WHERE id = ANY(ARRAY(SELECT id FROM {table} WHERE search_vector IS NULL LIMIT %s FOR UPDATE SKIP LOCKED))
    """


FILL_ONE = "UPDATE {table} SET search_vector = newsroom_article_search_vector(title, {text}) WHERE id = %s"


def fill_search_index(*, connections: int | None = None) -> int:
    """Compute every search vector still waiting; returns how many it computed.

    Safe anywhere, any number of times at once: a chunk's articles are locked by the step filling
    them and skipped by the others. Runs on ``connections`` parallel connections (default
    IMPORT_DB_CONNECTIONS, as the import stores); inside a transaction, on that one alone.
    """
    workers = settings.IMPORT_DB_CONNECTIONS if connections is None else connections
    if workers <= 1 or connection.in_atomic_block:
        return _fill()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search-index") as pool:
        return sum(pool.map(lambda _: _fill_on_own_connection(), range(workers)))


def unindexed_count() -> int:
    """Articles search cannot find yet: stored by an import, waiting for the search-index step."""
    from articles.models import Article

    return Article.objects.filter(search_vector__isnull=True).count()


def _fill_on_own_connection() -> int:
    try:
        return _fill()
    finally:
        connection.close()  # this thread's own connection


def _fill() -> int:
    sql, filled = _fill_sql(), 0
    while True:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [CHUNK])
                done = cursor.rowcount
        except DatabaseError:
            done = _fill_one_by_one()
        if not done:
            return filled
        filled += done


def _fill_one_by_one() -> int:
    """A chunk the database refused: index its articles one at a time. One whose text has no
    vector (over PostgreSQL's 1 MB of distinct words) is indexed by its title alone, so that it
    no longer holds up the others and can still be found."""
    from articles.models import Article

    table, filled = Article._meta.db_table, 0
    with transaction.atomic():
        waiting = Article.objects.filter(search_vector__isnull=True).select_for_update(skip_locked=True)
        for pk in waiting.values_list("pk", flat=True)[:CHUNK]:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(FILL_ONE.format(table=table, text="body"), [pk])
            except DatabaseError as error:
                logger.warning("Article %s is searchable by its title only: %s", pk, str(error).strip().splitlines()[0])
                with connection.cursor() as cursor:
                    cursor.execute(FILL_ONE.format(table=table, text="''"), [pk])
            filled += 1
    return filled
