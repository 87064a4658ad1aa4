"""Importing seed files: many files in, one outcome per file out.

Each file is parsed on its own (imports.seedfile) and becomes exactly one Article row, so a
file is stored whole or not at all. Files are stored in batches, one COPY and one
transaction per batch, because a round trip per file would be the whole cost of an import;
should a batch fail, its files are stored again one by one, each in its own savepoint, so a
bad file never takes the good ones down with it.

The search index is not computed here, as computing it is most of what storing costs: the
articles are inserted under articles.indexing.search_index_deferred(), and every batch's
transaction enqueues the background steps for what it stored (imports.tasks.after_import: the
search index first), so that they are queued exactly when the articles commit. Without a worker,
call articles.indexing.fill_search_index() after importing (manage.py import_seeds does).
"""

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from articles.indexing import search_index_deferred
from articles.models import Article
from imports.models import FileStatus
from imports.seedfile import SEED_SUFFIX, SeedArticle, SeedFileError, parse_seed_file

BATCH_SIZE = 1000

ARTICLE_COLUMNS = "title, body, published_on, date_precision, source_filename, content_sha256, imported_by_id"
NEW_IDS = f"SELECT nextval(pg_get_serial_sequence('{Article._meta.db_table}', 'id')) FROM generate_series(1, %s)"
COPY_ARTICLES = f"COPY {Article._meta.db_table} (id, {ARTICLE_COLUMNS}) FROM STDIN"
# When COPY was refused: a content hash seen meanwhile is skipped, not an error.
INSERT_ARTICLES = f"""
INSERT INTO {Article._meta.db_table} ({ARTICLE_COLUMNS})
SELECT * FROM unnest(%s::text[], %s::text[], %s::date[], %s::text[], %s::text[], %s::text[], %s::bigint[])
ON CONFLICT (content_sha256) DO NOTHING
RETURNING content_sha256, id
"""


@dataclass(frozen=True)
class SeedSource:
    """A seed file to import: its name for the report, how to get its bytes, and the caller's key."""

    name: str
    load: Callable[[], bytes]
    key: object = None


@dataclass
class FileResult:
    path: str
    status: FileStatus
    article_id: int | None = None
    date: str | None = None
    precision: str | None = None
    error: str | None = None
    key: object = None  # the source's key, for the caller

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": str(self.status),
            "article_id": self.article_id,
            "date": self.date,
            "precision": self.precision,
            "error": self.error,
        }


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: FileStatus) -> int:
        return sum(1 for result in self.files if result.status == status)

    @property
    def imported(self) -> int:
        return self.count(FileStatus.IMPORTED)

    @property
    def duplicates(self) -> int:
        return self.count(FileStatus.DUPLICATE)

    @property
    def errors(self) -> int:
        return self.count(FileStatus.ERROR)

    def as_dict(self) -> dict:
        return {
            "files": [result.as_dict() for result in self.files],
            "imported": self.imported,
            "duplicates": self.duplicates,
            "errors": self.errors,
        }


def sources_from_paths(paths: Iterable[Path]) -> Iterator[SeedSource]:
    """Files as given, and the *.txt files below directories, in a stable order."""
    for path in paths:
        if path.is_dir():
            for directory, subdirectories, filenames in os.walk(path):
                subdirectories.sort()
                for filename in sorted(filenames):
                    if filename.lower().endswith(SEED_SUFFIX):
                        yield _file_source(Path(directory, filename))
        else:
            yield _file_source(path)


def _file_source(path: Path) -> SeedSource:
    return SeedSource(name=str(path), load=path.read_bytes)


def import_seed_files(
    sources: Iterable[SeedSource],
    *,
    imported_by=None,
    on_result: Callable[[FileResult], None] | None = None,
    on_stored: Callable[[list[FileResult]], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import every source; each one ends up imported, a duplicate, or an error with its reason.

    ``on_stored`` is called with each batch's results inside the transaction that stores them,
    so what it records commits (or rolls back) with the articles. ``on_result`` is called for
    each file, in order, once its outcome is final (committed).
    """
    report = ImportReport()
    imported_by_id = imported_by.pk if imported_by is not None else None
    for results in _stored_batches(batched(sources, batch_size), imported_by_id, on_stored):
        for result in results:
            report.files.append(result)
            if on_result:
                on_result(result)
    return report


def _stored_batches(batches: Iterable[tuple[SeedSource, ...]], imported_by_id: int | None, on_stored) -> Iterator[list]:
    """Parse batches here and store them on parallel connections, yielding results in order.

    Storing (the rows, their indexes and constraints, the commit) keeps the database busy while
    the next batch is parsed here, and one connection uses one core. Inside a transaction (a
    test, a caller's atomic block) every batch must share that transaction, so then they are
    stored here, one after another.
    """
    workers = settings.IMPORT_DB_CONNECTIONS
    if workers <= 1 or connection.in_atomic_block:
        for batch in batches:
            yield _store_batch(_parse_batch(batch), imported_by_id, on_stored)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(_store_batch_on_own_connection, _parse_batch(batch), imported_by_id, on_stored))
            while len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _parse_batch(sources: tuple[SeedSource, ...]) -> list[tuple[FileResult, SeedArticle | None]]:
    parsed = []
    for source in sources:
        result = FileResult(path=source.name, status=FileStatus.ERROR, key=source.key)
        article = None
        try:
            article = parse_seed_file(source.load(), max_bytes=settings.SEED_MAX_FILE_BYTES)
        except SeedFileError as error:
            result.error = str(error)
        except OSError as error:
            result.error = f"cannot read the file: {error.strerror or error}"
        else:
            result.date, result.precision = article.date_iso, str(article.date_precision)
        parsed.append((result, article))
    return parsed


def _store_batch_on_own_connection(parsed, imported_by_id: int | None, on_stored) -> list[FileResult]:
    try:
        return _store_batch(parsed, imported_by_id, on_stored)
    finally:
        connection.close()  # this thread's own connection; the pool may not reuse the thread


def _store_batch(parsed: list[tuple[FileResult, SeedArticle | None]], imported_by_id: int | None, on_stored=None):
    readable = [(result, article) for result, article in parsed if article is not None]
    results = [result for result, _ in parsed]
    with transaction.atomic():
        with search_index_deferred():
            stored, refused = _store([(result.path, article) for result, article in readable], imported_by_id)
        for result, article in readable:
            sha = article.content_sha256
            if sha in refused:
                result.error = refused[sha]
                continue
            result.article_id, is_new = stored[sha]
            result.status = FileStatus.IMPORTED if is_new else FileStatus.DUPLICATE
            # The same text twice in one batch: the first file imports it, the others are duplicates.
            stored[sha] = (result.article_id, False)
        if on_stored:
            on_stored(results)
        if new_ids := [result.article_id for result in results if result.status == FileStatus.IMPORTED]:
            _after_import(new_ids)
    return results


def _after_import(article_ids: list[int]) -> None:
    """Queue the background steps for the articles a batch stored, in the batch's transaction."""
    from imports.tasks import after_import  # imports.tasks imports this module

    after_import.enqueue(article_ids)


def _store(named: list[tuple[str, SeedArticle]], imported_by_id: int | None) -> tuple[dict, dict]:
    """Insert what is new. Returns {hash: (article id, created now?)} and {hash: why it was refused}."""
    unique = {article.content_sha256: (name, article) for name, article in reversed(named)}  # first one wins
    stored = _existing_ids(unique)
    refused = {}
    new = [pair for sha, pair in unique.items() if sha not in stored]
    try:
        with transaction.atomic():
            stored |= _copy(new, imported_by_id)
    except DatabaseError:
        _store_refused(new, imported_by_id, stored, refused)
    # Stored meanwhile by an import running alongside this one: a duplicate like any other.
    stored |= _existing_ids([sha for sha in unique if sha not in stored and sha not in refused])
    return stored, refused


def _store_refused(new: list[tuple[str, SeedArticle]], imported_by_id: int | None, stored: dict, refused: dict):
    """The batch COPY refused: the same text stored meanwhile by another import (ON CONFLICT makes
    that a duplicate), or a file the database refuses (found by storing the files one by one)."""
    try:
        with transaction.atomic():
            stored |= _insert(new, imported_by_id)
    except DatabaseError:
        for name, article in new:  # find the file the database refuses, store the others
            try:
                with transaction.atomic():
                    stored |= _insert([(name, article)], imported_by_id)
            except DatabaseError as error:
                refused[article.content_sha256] = f"could not be stored: {_first_line(error)}"


def _existing_ids(hashes) -> dict:
    if not hashes:
        return {}
    rows = Article.objects.filter(content_sha256__in=hashes).values_list("content_sha256", "id")
    return {sha: (article_id, False) for sha, article_id in rows}


def _copy(new: list[tuple[str, SeedArticle]], imported_by_id: int | None) -> dict:
    """Store the batch by COPY, its ids taken from the sequence first (COPY returns none): the
    fastest way in, as no value is quoted into SQL. Fails whole should any text be there already."""
    if not new:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(NEW_IDS, [len(new)])
        ids = [article_id for (article_id,) in cursor.fetchall()]
        # Django's cursor passes copy() through as psycopg's: its errors made Django's here.
        with connection.wrap_database_errors, cursor.copy(COPY_ARTICLES) as copy:
            for article_id, row in zip(ids, _rows(new, imported_by_id), strict=True):
                copy.write_row((article_id, *row))
    return {article.content_sha256: (article_id, True) for article_id, (_, article) in zip(ids, new, strict=True)}


def _rows(new: list[tuple[str, SeedArticle]], imported_by_id: int | None) -> list[tuple]:
    """The values of ARTICLE_COLUMNS for each file."""
    name_length = Article._meta.get_field("source_filename").max_length
    return [
        (
            article.title,
            article.body,
            article.published_on,
            str(article.date_precision),
            _fit(name, name_length),
            article.content_sha256,
            imported_by_id,
        )
        for name, article in new
    ]


def _insert(new: list[tuple[str, SeedArticle]], imported_by_id: int | None) -> dict:
    if not new:
        return {}
    rows = _rows(new, imported_by_id)
    columns = [list(column) for column in zip(*rows, strict=True)]  # unnest() takes one array per column
    with connection.cursor() as cursor:
        cursor.execute(INSERT_ARTICLES, columns)
        return {sha: (article_id, True) for sha, article_id in cursor.fetchall()}


def _fit(name: str, max_length: int) -> str:
    """Keep the end of an over-long path: the file name is the part worth keeping."""
    return name if len(name) <= max_length else "…" + name[-(max_length - 1) :]


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
