"""The one write path for entities: each function is atomic and checks the acting user's permission.

Views, the admin and other apps' services call these; nothing else creates or changes an Entity.
"""

import json
from itertools import batched

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require
from annotations import services as annotation_services  # each app's services call the other's
from entities import spelling
from entities.models import Entity, EntityMerge
from history.context import recorded, recording
from history.models import EntityEvent
from history.versions import check_version


@recorded
@transaction.atomic
def find_or_create_entity(*, name: str, kind: str, by) -> Entity:
    """The entity of this kind with this name (in any case), made now if there is none."""
    name = " ".join(name.split())
    existing = Entity.objects.named(name).filter(kind=kind).first()
    if existing:
        return existing
    require(by, "entities.add_entity", _("You may not add entities to the catalogue."))
    try:
        with transaction.atomic():
            return Entity.objects.create(name=name, kind=kind)
    except IntegrityError:  # made at the same moment by someone else
        return Entity.objects.named(name).filter(kind=kind).get()


@recorded
@transaction.atomic
def add_spelling(entity: Entity, spelling: str, *, by) -> Entity:
    """Remember ``spelling`` as another way the entity's name is written, unless it is known."""
    entity = Entity.objects.select_for_update().get(pk=entity.pk)  # two editors may add at once
    before = list(entity.aliases)
    entity.add_alias(spelling)
    if entity.aliases != before:
        require(by, "entities.change_entity", _("You may not change entities in the catalogue."))
        entity.save(update_fields=["aliases", "updated_at"])
    return entity


@recorded
@transaction.atomic
def save_entity(entity: Entity, *, by) -> Entity:
    """Store an entity as edited whole (the admin's form): new, or changed."""
    if entity.pk is None:
        require(by, "entities.add_entity", _("You may not add entities to the catalogue."))
    else:
        require(by, "entities.change_entity", _("You may not change entities in the catalogue."))
    entity.save()
    return entity


# Changed entities in one statement per batch. Django's bulk_update() writes a CASE per column
# that PostgreSQL scans for every row: 20 seconds for 10,000 entities against a fraction of one.
# Aliases and keys travel as JSON arrays, since unnest() would flatten an array of arrays.
UPDATE_ENTITIES = """
UPDATE {table} AS entity
   SET aliases = ARRAY(SELECT jsonb_array_elements_text(changed.aliases)),
       spelling_keys = ARRAY(SELECT jsonb_array_elements_text(changed.spelling_keys)),
       description = changed.description, external_id = changed.external_id, updated_at = %s
  FROM unnest(%s::bigint[], %s::jsonb[], %s::jsonb[], %s::text[], %s::text[])
       AS changed(id, aliases, spelling_keys, description, external_id)
 WHERE entity.id = changed.id
"""


@recorded
@transaction.atomic
def save_entities_in_bulk(*, created: list[Entity], changed: list[Entity], by) -> None:
    """Store many entities at once, as the catalogue import planned them (entities/catalogue.py):
    new ones whole, and the aliases, description and external id of changed ones.

    Entity.save() is not called, so the spelling keys are computed here the way it computes them.
    """
    if created:
        require(by, "entities.add_entity", _("You may not add entities to the catalogue."))
    if changed:
        require(by, "entities.change_entity", _("You may not change entities in the catalogue."))
    for entity in [*created, *changed]:
        entity.spelling_keys = spelling.spelling_keys(entity.name, entity.aliases)
    Entity.objects.bulk_create(created, batch_size=1000)
    now = timezone.now()
    with connection.cursor() as cursor:
        for batch in batched(changed, 1000):
            for entity in batch:
                entity.updated_at = now
            cursor.execute(
                UPDATE_ENTITIES.format(table=connection.ops.quote_name(Entity._meta.db_table)),
                [
                    now,
                    [entity.pk for entity in batch],
                    [json.dumps(entity.aliases) for entity in batch],
                    [json.dumps(entity.spelling_keys) for entity in batch],
                    [entity.description for entity in batch],
                    [entity.external_id for entity in batch],
                ],
            )


@recorded
@transaction.atomic
def delete_entities(entities, *, by) -> None:
    """Delete entities; their annotations stay, without an entity."""
    require(by, "entities.delete_entity", _("You may not delete entities from the catalogue."))
    for entity in entities:
        entity.delete()


class EntityConflict(ValueError):
    """A change the catalogue cannot take as asked (a name or QID another entity holds)."""


@recorded
@transaction.atomic
def update_entity(entity: Entity, *, by, version: int | None = None, **changes) -> Entity:
    """Change an entity's name, kind, description or Wikidata QID (the entity page's fields).

    Raises EntityConflict, nothing changed, when another entity of the kind has the name or
    another entity has the QID; StaleVersion (history.versions) when ``version``, the one the
    change was based on, is no longer the entity's: someone else changed it meanwhile.
    """
    require(by, "entities.change_entity", _("You may not change entities in the catalogue."))
    unknown = set(changes) - {"name", "kind", "description", "external_id"}
    if unknown:
        raise ValueError(f"Entities have no editable {', '.join(sorted(unknown))}")
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    check_version(EntityEvent, entity.pk, stored=entity.version, expected=version)
    old_name = entity.name
    for field, value in changes.items():
        setattr(entity, field, value)
    if entity.name != old_name:
        # The new name is no longer another spelling of itself.
        entity.aliases = [alias for alias in entity.aliases if alias.casefold() != entity.name.casefold()]
    try:
        with transaction.atomic():
            entity.save()
            entity.refresh_from_db(fields=["version"])  # the database's
    except IntegrityError:
        if Entity.objects.named(entity.name).filter(kind=entity.kind).exclude(pk=entity.pk).exists():
            raise EntityConflict(
                _("Another entity of this kind is called “%(name)s”: merge the two instead.") % {"name": entity.name}
            ) from None
        if entity.external_id and Entity.objects.filter(external_id=entity.external_id).exclude(pk=entity.pk).exists():
            raise EntityConflict(
                _("Another entity has the Wikidata ID %(qid)s.") % {"qid": entity.external_id}
            ) from None
        raise
    return entity


@recorded
@transaction.atomic
def add_alias(entity: Entity, spelling: str, *, by) -> Entity:
    """Add another spelling of the entity's name, as an editor types it."""
    require(by, "entities.change_entity", _("You may not change entities in the catalogue."))
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    entity.add_alias(spelling)
    entity.save(update_fields=["aliases", "updated_at"])
    return entity


@recorded
@transaction.atomic
def remove_alias(entity: Entity, spelling: str, *, by) -> Entity:
    require(by, "entities.change_entity", _("You may not change entities in the catalogue."))
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    entity.aliases = [alias for alias in entity.aliases if alias != spelling]
    entity.save(update_fields=["aliases", "updated_at"])
    return entity


@recorded
@transaction.atomic
def merge_entities(survivor: Entity, duplicate: Entity, *, by) -> EntityMerge:
    """Fold ``duplicate`` into ``survivor``: its annotations move, its name and aliases become
    the survivor's aliases, what the survivor lacks (description, QID) it takes, and the merge
    is recorded. One transaction: a failure anywhere leaves both as they were.
    """
    require(by, "entities.merge_entity", _("You may not merge entities."))
    if survivor.pk == duplicate.pk:
        raise EntityConflict(_("An entity cannot be merged into itself."))
    # Locked in id order, so that two merges of the same pair wait rather than deadlock.
    locked = {
        e.pk: e for e in Entity.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
    }
    if len(locked) < 2:
        raise Entity.DoesNotExist(_("One of the two entities was deleted or merged meanwhile: nothing was changed."))
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    # Each history row of the merge (the duplicate's deletion, the survivor's new spellings, the
    # annotations moved) says which merge it was part of.
    recording(by=by, merged_into=survivor.pk, merged=duplicate.pk)

    moved = annotation_services.relink_entity(duplicate, survivor, by=by)
    # Records of earlier merges into the duplicate now point at the survivor, so their
    # addresses keep redirecting.
    EntityMerge.objects.filter(survivor=duplicate).update(survivor=survivor)
    record = EntityMerge(
        survivor=survivor,
        merged_id=duplicate.pk,
        merged_name=duplicate.name,
        merged_kind=duplicate.kind,
        merged_aliases=duplicate.aliases,
        annotations_moved=moved,
        merged_by=by,
    )
    qid, description = duplicate.external_id, duplicate.description
    duplicate.delete()  # first: its QID and name are free for the survivor to take
    for written in [duplicate.name, *duplicate.aliases]:
        survivor.add_alias(written)
    survivor.description = survivor.description or description
    survivor.external_id = survivor.external_id or qid
    survivor.save()
    record.save()
    return record
