"""The one write path for entities: each function is atomic and checks the acting user's permission.

Views, the admin and other apps' services call these; nothing else creates or changes an Entity.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import require
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


@transaction.atomic
def delete_entities(entities, *, by) -> None:
    """Delete entities; their annotations stay, without an entity."""
    require(by, "entities.delete_entity", _("You may not delete entities from the catalogue."))
    for entity in entities:
        entity.delete()
