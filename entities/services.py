"""The one write path for entities: each function is atomic and checks the acting user's permission.

Views, the admin and other apps' services call these; nothing else creates or changes an Entity.
"""

import json
from itertools import batched

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require
from entities import spelling
from entities.models import Entity


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


@transaction.atomic
def delete_entities(entities, *, by) -> None:
    """Delete entities; their annotations stay, without an entity."""
    require(by, "entities.delete_entity", _("You may not delete entities from the catalogue."))
    for entity in entities:
        entity.delete()
