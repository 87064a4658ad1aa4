"""History rows as people read them: who did what, when, from where, and each field before and after.

A row holds the state after a create or change (before a delete); what a change changed is
the difference from the row before it of the same object. Fetching that row, the people and the
entities named costs a fixed number of queries per list, however long.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotations.forms import AnnotationForm
from annotations.models import Annotation
from articles.models import Article
from entities.models import Entity
from history.models import Action, AnnotationEvent, ArticleEvent, EntityEvent, Origin

# What people see of each model, in the words of the forms that change it.
SHOWN = {
    AnnotationEvent: {
        "entity": None,  # labelled by the annotation's kind: Speaker, Claimant, …
        "verdict": gettext_lazy("Verdict"),
        "quote_type": gettext_lazy("Quote type"),
        "cue_verb": gettext_lazy("Cue verb"),
        "source_type": gettext_lazy("Source type"),
        "note": gettext_lazy("Note"),
        "evidence": gettext_lazy("Evidence"),
    },
    EntityEvent: {
        "name": gettext_lazy("Name"),
        "kind": gettext_lazy("Kind"),
        "aliases": gettext_lazy("Other spellings"),
        "description": gettext_lazy("Description"),
        "external_id": gettext_lazy("Wikidata ID"),
    },
    ArticleEvent: {"title": gettext_lazy("Title"), "status": gettext_lazy("Status")},
}
TRACKED = {AnnotationEvent: Annotation, EntityEvent: Entity, ArticleEvent: Article}


@dataclass
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    added: list[str] = field(default_factory=list)  # lists (spellings, evidence): what came and went
    removed: list[str] = field(default_factory=list)


@dataclass
class Entry:
    event: object
    model: str  # "annotation", "entity", "article"
    action: str
    who: str
    origin: str
    subject: str
    changes: list[FieldChange]
    restorable: bool = False  # a deleted annotation that is not back: an Admin may restore it

    @property
    def when(self):
        return self.event.pgh_created_at

    @property
    def headline(self) -> str:
        return {
            Action.CREATED: _("Created by %(who)s"),
            Action.CHANGED: _("Changed by %(who)s"),
            Action.DELETED: _("Deleted by %(who)s"),
        }[self.action] % {"who": self.who}

    @property
    def in_merge(self) -> bool:
        """Part of merging two entities (entities.services.merge_entities)."""
        return bool((self.event.pgh_context or {}).get("merged_into"))

    @property
    def action_display(self) -> str:
        return Action(self.action).label

    @property
    def origin_display(self) -> str:
        return Origin(self.origin).label if self.origin in Origin.values else ""


def with_previous(events):
    """The queryset with the id of each row's previous row of the same object (previous_id)."""
    model = events.model
    previous = model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id")).order_by(
        "-pgh_id"
    )
    return events.annotate(previous_id=Subquery(previous.values("pgh_id")[:1]))


def describe(events: list) -> list[Entry]:
    """Entries for events (of any of the three models, each annotated by with_previous())."""
    previous = {}
    for model in TRACKED:
        ids = [e.previous_id for e in events if isinstance(e, model) and e.previous_id]
        previous |= {(model, row.pgh_id): row for row in model.objects.filter(pgh_id__in=ids)} if ids else {}
    user_ids = {e.pgh_user for e in events if e.pgh_user}
    users = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username")) if user_ids else {}
    entity_ids = {
        row.entity_id for row in [*events, *previous.values()] if isinstance(row, AnnotationEvent) and row.entity_id
    }
    entities = dict(Entity.objects.filter(pk__in=entity_ids).values_list("pk", "name")) if entity_ids else {}

    deleted = {e.pgh_obj_id for e in events if isinstance(e, AnnotationEvent) and e.pgh_label == Action.DELETED}
    back = set(Annotation.objects.filter(pk__in=deleted).values_list("pk", flat=True)) if deleted else set()

    entries = []
    for event in events:
        model = type(event)
        before = previous.get((model, event.previous_id))
        who = users.get(event.pgh_user) or (_("someone") if event.pgh_user else _("an unknown process"))
        entries.append(
            Entry(
                event=event,
                model=TRACKED[model]._meta.model_name,
                action=event.pgh_label,
                who=who,
                origin=event.origin,
                subject=_subject(event),
                changes=_changes(before, event, entities) if event.pgh_label == Action.CHANGED else [],
                restorable=isinstance(event, AnnotationEvent)
                and event.pgh_obj_id in deleted
                and event.pgh_label == Action.DELETED
                and event.pgh_obj_id not in back,
            )
        )
    return entries


def _subject(event) -> str:
    if isinstance(event, AnnotationEvent):
        kind = Annotation.Kind(event.kind).label if event.kind in Annotation.Kind.values else event.kind
        exact = event.exact if len(event.exact) <= 60 else event.exact[:59] + "…"
        return f"{kind} „{exact}”"
    if isinstance(event, EntityEvent):
        return event.name
    return event.title


def _changes(before, after, entities: dict) -> list[FieldChange]:
    changes = []
    for name, label in SHOWN[type(after)].items():
        if label is None:  # an annotation's entity
            label = AnnotationForm.ENTITY_LABELS.get(after.kind, gettext_lazy("Entity"))
        attname = after._meta.get_field(name).attname  # entity_id: the id, never a query
        old = getattr(before, attname) if before is not None else None
        new = getattr(after, attname)
        if before is not None and old == new:
            continue
        if before is None and new in ("", None, []):
            continue  # unknown before (recorded before history began) and empty now: nothing to say
        change = FieldChange(label=str(label))
        if isinstance(new, list):
            change.added = [item for item in new if item not in (old or [])]
            change.removed = [item for item in (old or []) if item not in new]
        else:
            change.before = _display(after, name, old, entities) if before is not None else ""
            change.after = _display(after, name, new, entities)
        changes.append(change)
    return changes


def _display(event, name: str, value, entities: dict) -> str:
    if value in ("", None):
        return _("(none)")
    if name == "entity":
        return entities.get(value, _("(deleted entity)"))
    choices = dict(event._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))
