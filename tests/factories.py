"""Plain helpers that make rows for tests; every argument has a sensible default."""

import datetime
import hashlib
import itertools

from django.conf import settings
from django.db.models.functions import Now

from annotations.models import Annotation
from articles.models import Article, DatePrecision
from entities.models import Entity
from imports.models import ImportBatch

_serial = itertools.count(1)


def make_article(body: str | None = None, **fields) -> Article:
    body = body if body is not None else f"Article number {next(_serial)}. It has text.\n\nA second paragraph."
    fields.setdefault("title", body.split(".")[0][:120] or "Untitled")
    fields.setdefault("published_on", datetime.date(2025, 6, 1))
    fields.setdefault("date_precision", DatePrecision.MONTH)
    fields.setdefault("source_filename", "test.txt")
    fields.setdefault("content_sha256", hashlib.sha256(body.encode()).hexdigest())
    return Article.objects.create(body=body, **fields)


def make_entity(name: str = "Kim Dzsongun", kind: str = Entity.Kind.PERSON, **fields) -> Entity:
    return Entity.objects.create(name=name, kind=kind, **fields)


def make_annotation(
    article: Article, start: int, end: int, *, author, kind=Annotation.Kind.ENTITY, **fields
) -> Annotation:
    annotation = Annotation(article=article, start=start, end=end, kind=kind, author=author, **fields)
    annotation.anchor(article.body)
    annotation.save()
    return annotation


def span_of(article: Article, text: str, occurrence: int = 0) -> tuple[int, int]:
    """The code point offsets of ``text`` in the article body."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.body.index(text, start + 1)
    return start, start + len(text)


def lapse_lease(batch: ImportBatch) -> None:
    """As if the batch's runner had not reported for longer than its lease (the runner is not told)."""
    lapsed = Now() - datetime.timedelta(seconds=settings.IMPORT_LEASE_SECONDS + 1)
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=lapsed)


def run_queued_after_import_steps() -> None:
    """What a worker does with the after-import steps an import queued (imports.tasks.after_import)."""
    from django_tasks_db.models import DBTaskResult

    from imports.tasks import after_import

    for queued in DBTaskResult.objects.filter(task_path="imports.tasks.after_import"):
        after_import.call(*queued.args_kwargs["args"])
        queued.delete()
