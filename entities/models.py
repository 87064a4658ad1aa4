from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import models
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Lower

from entities import spelling
from newsroom.postgres import array_to_string, choices_constraint, unaccent


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    PLACE = "place", "Place"
    OTHER = "other", "Other"


class EntityQuerySet(models.QuerySet):
    def named(self, name: str):
        """Entities with this name in any case, compared as the unique constraint compares them
        (lower(), which folds 'İstanbul' and 'Istanbul', 'Kim' and 'Kim' with a Kelvin sign, alike)."""
        return self.alias(name_lower=Lower("name")).filter(name_lower=Lower(Value(" ".join(name.split()))))

    def matching(self, text: str):
        """Entities whose name or an alias matches ``text``, best first.

        An exact name or alias comes first, or the same name in another transliteration ('Kim
        Jong Un' finds 'Kim Dzsongun'); then word trigram similarity over unaccented names and
        aliases, which also finds a name written with a Hungarian case suffix ('Sojgunak' finds
        'Szergej Sojgu').
        """
        text = " ".join(text.split())
        names = unaccent(
            Concat("name", Value(" "), array_to_string("aliases", Value(" ")), output_field=models.TextField())
        )
        query = unaccent(Value(text))
        alias_match = RawSQL(
            "EXISTS (SELECT 1 FROM unnest(aliases) AS alias WHERE lower(alias) = lower(%s))",
            [text],
            output_field=models.BooleanField(),
        )
        return (
            self.alias(alias_match=alias_match, name_lower=Lower("name"))
            .annotate(
                exact=Q(name_lower=Lower(Value(text)))
                | Q(alias_match=True)
                | Q(spelling_keys__contains=[spelling.transliteration_key(text)]),
                similarity=TrigramWordSimilarity(query, names),
            )
            .filter(Q(exact=True) | Q(similarity__gte=0.4))
            .order_by("-exact", "-similarity", "name")
        )


class Entity(models.Model):
    Kind = EntityKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind)
    aliases = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, help_text="Other spellings, one per item."
    )
    description = models.TextField(blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="An identifier elsewhere, e.g. a Wikidata QID such as Q56226."
    )
    spelling_keys = ArrayField(
        models.CharField(max_length=200),
        default=list,
        editable=False,
        help_text="Transliteration keys of the name and aliases, kept by save().",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        db_table = "articles_entity"  # where it lived before the entities app (migration 0001)
        ordering = ["name"]
        verbose_name_plural = "entities"
        indexes = [
            # Finding an entity by any of its spellings, as written or transliterated.
            GinIndex(fields=["aliases"], name="entity_aliases_gin"),
            GinIndex(fields=["spelling_keys"], name="entity_spelling_keys_gin"),
        ]
        constraints = [
            choices_constraint("kind", EntityKind, "entity_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="entity_name_not_empty"),
            models.UniqueConstraint(Lower("name"), "kind", name="entity_unique_name_per_kind"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="entity_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    def save(self, *args, **kwargs):
        self.spelling_keys = spelling.spelling_keys(self.name, self.aliases)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "spelling_keys"}
        super().save(*args, **kwargs)

    def add_alias(self, spelling: str) -> None:
        """Remember another spelling of the name (not saved here).

        Longer than a name may be, it is not a spelling of one: left out whole, never cut.
        """
        spelling = " ".join(spelling.split())
        known = {self.name.casefold(), *(alias.casefold() for alias in self.aliases)}
        too_long = len(spelling) > self._meta.get_field("aliases").base_field.max_length
        if spelling and not too_long and spelling.casefold() not in known:
            self.aliases = [*self.aliases, spelling]
