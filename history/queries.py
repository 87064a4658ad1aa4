"""The history lists the pages show: an annotation's, an article's, an entity's, everyone's."""

import datetime

from django.db.models import BigIntegerField, CharField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from history.describe import Entry, describe, with_previous
from history.models import BEFORE, AnnotationEvent, ArticleEvent, EntityEvent, Origin

MODELS = {"annotation": AnnotationEvent, "entity": EntityEvent, "article": ArticleEvent}


def annotation_history(annotation_pk: int, limit: int = 20) -> list[Entry]:
    events = with_previous(AnnotationEvent.objects.filter(pgh_obj_id=annotation_pk)).order_by("-pgh_id")[:limit]
    return describe(list(events))


def entity_history(entity_pk: int, limit: int = 50) -> list[Entry]:
    events = with_previous(EntityEvent.objects.filter(pgh_obj_id=entity_pk)).order_by("-pgh_id")[:limit]
    return describe(list(events))


def article_history(article_pk: int, limit: int = 100) -> list[Entry]:
    """Its title and status changes and everything that happened to its annotations, newest first."""
    annotations = with_previous(AnnotationEvent.objects.filter(article_id=article_pk)).order_by("-pgh_id")[:limit]
    article = ArticleEvent.objects.filter(pgh_obj_id=article_pk).exclude(pgh_label=BEFORE)
    article = with_previous(article).order_by("-pgh_id")[:limit]
    events = sorted([*annotations, *article], key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    return describe(events[:limit])


def activity(
    *,
    user_id: int | None = None,
    model: str = "",
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
):
    """Everyone's events as (model, pgh_id, pgh_created_at) rows, newest first, filtered: a queryset
    to paginate, whose page resolve() turns into entries."""
    parts = []
    for name, event_model in MODELS.items():
        if model and model != name:
            continue
        events = event_model.objects.exclude(pgh_label=BEFORE)
        if user_id:
            events = events.filter(pgh_user=user_id)
        if action:
            events = events.filter(pgh_label=action)
        # Days in the newsroom's time zone, as times, so that the index on the time serves them.
        if since:
            events = events.filter(pgh_created_at__gte=_start_of(since))
        # The last day a date can hold has no day after it: it bounds nothing.
        if until and until < datetime.date.max:
            events = events.filter(pgh_created_at__lt=_start_of(until + datetime.timedelta(days=1)))
        parts.append(
            events.annotate(model=Value(name, output_field=CharField())).values_list(
                "model", "pgh_id", "pgh_created_at"
            )
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("-pgh_created_at", "-pgh_id")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def resolve(rows) -> list[Entry]:
    """The entries of a page of activity() rows, in their order."""
    rows = list(rows)
    fetched = {}
    for name, event_model in MODELS.items():
        ids = [pk for model, pk, _ in rows if model == name]
        if ids:
            fetched |= {(name, e.pgh_id): e for e in with_previous(event_model.objects.filter(pgh_id__in=ids))}
    return describe([fetched[(model, pk)] for model, pk, _ in rows if (model, pk) in fetched])


def last_undoable(user, article_id: int, *, within: datetime.timedelta) -> AnnotationEvent | None:
    """The latest change ``user`` made to the article's annotations within ``within``, that is
    neither an undo itself nor undone yet: what "Undo" undoes (history.models for the markers)."""
    mine = AnnotationEvent.objects.filter(
        article_id=article_id, pgh_user=user.pk, pgh_created_at__gte=timezone.now() - within
    )
    undone = mine.filter(pgh_context__origin=Origin.UNDO).values_list(
        Cast(KT("pgh_context__undoes"), BigIntegerField()), flat=True
    )
    # A merge's relinking (entities.services.merge_entities) is no change of theirs to one annotation: it
    # moved others' annotations off an entity that is gone, and undoing one would name it again.
    mine = mine.exclude(pgh_context__has_key="merged_into")
    return (
        with_previous(mine.exclude(pgh_context__origin=Origin.UNDO).exclude(pgh_id__in=undone))
        .order_by("-pgh_id")
        .first()
    )
