"""What happened to annotations, entities and articles: rows written by PostgreSQL triggers.

django-pghistory installs an AFTER trigger per tracked operation (migrations of the tracked apps
name them), so every write is recorded in its own transaction whatever made it: a service, a
bulk ``.update()``, the admin, raw SQL. Who and from where travel with each statement as
transaction-local settings (history.context) and are stored denormalised on each row, so
recording costs one INSERT and nothing is shared between concurrent writers.

Append-only: a trigger refuses UPDATE and DELETE of these rows to every role (migration 0003).
"""

import pghistory
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy, pgettext_lazy

from annotations.models import Annotation
from articles.models import Article
from entities.models import Entity


class Action(models.TextChoices):
    # The stored labels are pghistory's event labels.
    CREATED = "created", pgettext_lazy("kind of change", "created")
    CHANGED = "changed", pgettext_lazy("kind of change", "changed")
    DELETED = "deleted", pgettext_lazy("kind of change", "deleted")


# The label of rows that hold an article's state before a change.
BEFORE = "before"


class Origin(models.TextChoices):
    PAGE = "page", gettext_lazy("on the page")
    IMPORT = "import", gettext_lazy("by an import")
    SUGGESTION = "suggestion", gettext_lazy("by accepting a suggestion")
    API = "api", gettext_lazy("through the API")
    ADMIN = "admin", gettext_lazy("in the admin")
    UNDO = "undo", gettext_lazy("by undoing")
    CODE = "code", gettext_lazy("by a command or script")


def _event_model(tracked, *trackers, **options):
    return pghistory.create_event_model(
        tracked,
        *trackers,
        # The event outlives the object: no constraint, and deleting the object leaves it.
        obj_field=pghistory.ObjForeignKey(related_name="events", db_index=False),
        context_field=pghistory.ContextJSONField(),
        context_id_field=pghistory.ContextUUIDField(),
        # Refused by a trigger of our own (migration 0003), which pgtrigger's "ignore" cannot switch off.
        append_only=False,
        app_label="history",
        **options,
    )


class Recorded(models.Model):
    """What every event table has besides the tracked row's fields."""

    # The acting user's id from the context, as a column so that "by this person" reads an index.
    pgh_user = models.GeneratedField(
        expression=Cast(KT("pgh_context__user"), models.BigIntegerField()),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pgh_label} {self.pgh_obj_id} at {self.pgh_created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def origin(self) -> str:
        return (self.pgh_context or {}).get("origin", "")


class AnnotationEvent(
    _event_model(
        Annotation,
        pghistory.InsertEvent(Action.CREATED.value),
        pghistory.UpdateEvent(Action.CHANGED.value),
        pghistory.DeleteEvent(Action.DELETED.value),
        # Everything needed to restore it exactly; updated_at alone is no change, and the database
        # computes the words keys.
        exclude=["updated_at", "quote_words_key", "claim_words_key"],
    ),
    Recorded,
):
    class Meta:
        # No one may add, change or delete history, so no such permission exists.
        default_permissions = ("view",)
        permissions = [("view_activity", "Can see everyone's activity")]
        indexes = [
            # An annotation's own history (its panel), and the state before an event.
            models.Index(fields=["pgh_obj", "pgh_id"], name="annotation_event_obj_idx"),
            # An article's activity list.
            models.Index(fields=["article", "-pgh_id"], name="annotation_event_article_idx"),
            # The activity page, newest first, and by one person.
            models.Index(fields=["-pgh_created_at"], name="annotation_event_when_idx"),
            models.Index(fields=["pgh_user", "-pgh_created_at"], name="annotation_event_user_idx"),
        ]


class EntityEvent(
    _event_model(
        Entity,
        pghistory.InsertEvent(Action.CREATED.value),
        pghistory.UpdateEvent(Action.CHANGED.value),
        pghistory.DeleteEvent(Action.DELETED.value),
        # What people edit; the counts and search columns the database keeps are no change of theirs.
        fields=["id", "name", "kind", "aliases", "description", "external_id", "version"],
    ),
    Recorded,
):
    class Meta:
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["pgh_obj", "pgh_id"], name="entity_event_obj_idx"),
            models.Index(fields=["-pgh_created_at"], name="entity_event_when_idx"),
            models.Index(fields=["pgh_user", "-pgh_created_at"], name="entity_event_user_idx"),
        ]


class ArticleEvent(
    _event_model(
        Article,
        # Title and status changes, and deletion. Not creation: an import stores thousands of
        # articles a second and is recorded once, as its batch (imports.models.Batch).
        pghistory.UpdateEvent(Action.CHANGED.value),
        # The state before a change too, as no row of its creation holds it ("before" rows are
        # not listed; describe() compares a change with the row before it).
        pghistory.UpdateEvent(BEFORE, row="OLD"),
        pghistory.DeleteEvent(Action.DELETED.value),
        fields=["id", "title", "status"],
    ),
    Recorded,
):
    class Meta:
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["pgh_obj", "pgh_id"], name="article_event_obj_idx"),
            models.Index(fields=["-pgh_created_at"], name="article_event_when_idx"),
            models.Index(fields=["pgh_user", "-pgh_created_at"], name="article_event_user_idx"),
        ]
