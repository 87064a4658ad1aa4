import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import models
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy

from entities import spelling
from newsroom.models import KeptByTheDatabase
from newsroom.postgres import choices_constraint, unaccent, version_trigger

WIKIDATA_QID = re.compile(r"Q[1-9][0-9]*")


def wikidata_url(external_id: str) -> str:
    """The Wikidata page of a QID; empty for any other identifier (or none)."""
    return f"https://www.wikidata.org/wiki/{external_id}" if WIKIDATA_QID.fullmatch(external_id) else ""


class EntityKind(models.TextChoices):
    PERSON = "person", gettext_lazy("Person")
    ORGANISATION = "organisation", gettext_lazy("Organisation")
    PLACE = "place", gettext_lazy("Place")
    OTHER = "other", gettext_lazy("Other")


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
        query = unaccent(Lower(Value(text)))
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
                similarity=TrigramWordSimilarity(query, "search_names"),
            )
            # What the indexes find: a transliteration key, or names and aliases similar enough
            # (the %> operator, at pg_trgm.word_similarity_threshold, set in entities.apps); an
            # exact name or alias is as similar as can be.
            .filter(
                Q(spelling_keys__contains=[spelling.transliteration_key(text)])
                | Q(search_names__trigram_word_similar=query)
            )
            .order_by("-exact", "-similarity", "name_sort_key")
        )


class Entity(KeptByTheDatabase):
    Kind = EntityKind

    # Compared in the collation of migration 0005 (lower() for the unique name); sorted by name_sort_key.
    name = models.CharField(max_length=200, db_collation="newsroom_hu", verbose_name=gettext_lazy("name"))
    # The name's place in Hungarian alphabetical order (Á with A, Cs after C, Ö after O, Zs last) as
    # text that sorts byte by byte, kept by the database (function of migration 0007), so names
    # sort the Hungarian way on every PostgreSQL, with ICU or without (the embedded one).
    name_sort_key = models.GeneratedField(
        expression=models.Func("name", function="newsroom_hungarian_sort_key"),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
        verbose_name=gettext_lazy("name sort key"),
    )
    kind = models.CharField(max_length=12, choices=Kind, verbose_name=gettext_lazy("kind"))
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text=gettext_lazy("Other spellings, one per item."),
        verbose_name=gettext_lazy("other spellings"),
    )
    description = models.TextField(blank=True, verbose_name=gettext_lazy("description"))
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy("An identifier elsewhere, e.g. a Wikidata QID such as Q56226."),
        verbose_name=gettext_lazy("external ID"),
    )
    spelling_keys = ArrayField(
        models.CharField(max_length=200),
        default=list,
        editable=False,
        help_text=gettext_lazy("Transliteration keys of the name and aliases, kept by save()."),
        verbose_name=gettext_lazy("spelling keys"),
    )
    search_names = models.TextField(
        default="",
        editable=False,
        help_text=gettext_lazy(
            "The name and aliases, in lower case and without accents, kept by the database "
            "(trigger, migration entities 0003) for similarity search."
        ),
        verbose_name=gettext_lazy("search names"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated"))
    # What the newsroom has on the entity, kept by the database (triggers, migration entities
    # 0002) so that the catalogue sorts 10,000 entities by them without counting 100,000 rows.
    mention_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("mentions")
    )
    quote_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("quotes")
    )
    claim_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("claims")
    )
    source_count = models.PositiveIntegerField(
        default=0, db_default=0, editable=False, verbose_name=gettext_lazy("cited as a source")
    )
    last_annotated_at = models.DateTimeField(null=True, editable=False, verbose_name=gettext_lazy("last annotated"))
    # Kept by the database: one more with every change of what people edit (not of the counts),
    # so that a change made by someone else since the page was loaded is never overwritten unseen.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False, verbose_name=gettext_lazy("version"))

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("entity")
        verbose_name_plural = gettext_lazy("entities")
        db_table = "articles_entity"  # where it lived before the entities app (migration 0001)
        ordering = ["name_sort_key"]
        permissions = [("merge_entity", "Can merge a duplicate entity into another")]
        indexes = [
            # Finding an entity by any of its spellings, as written or transliterated.
            GinIndex(fields=["aliases"], name="entity_aliases_gin"),
            GinIndex(fields=["spelling_keys"], name="entity_spelling_keys_gin"),
            # Finding an entity by a similar spelling: Entity.objects.matching().
            GinIndex(fields=["search_names"], opclasses=["gin_trgm_ops"], name="entity_search_names_trgm"),
            # The catalogue's three orders (entities.views.ORDERS), names in Hungarian order.
            models.Index(fields=["name_sort_key", "id"], name="entity_by_hungarian_name_idx"),
            models.Index(fields=["-mention_count", "name_sort_key", "id"], name="entity_most_mentioned_hu_idx"),
            models.Index(
                models.F("last_annotated_at").desc(nulls_last=True),
                "name_sort_key",
                "id",
                name="entity_recent_by_hu_name_idx",
            ),
        ]
        triggers = [version_trigger(["name", "kind", "aliases", "description", "external_id"])]
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

    DATABASE_KEPT_FIELDS = frozenset(
        {"mention_count", "quote_count", "claim_count", "source_count", "last_annotated_at", "search_names", "version"}
    )

    def save(self, *args, **kwargs):
        self.spelling_keys = spelling.spelling_keys(self.name, self.aliases)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "spelling_keys"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("entities:detail", args=[self.pk])

    @property
    def wikidata_url(self) -> str:
        """The Wikidata page of the entity's QID, if it has one."""
        return wikidata_url(self.external_id)

    @property
    def annotation_count(self) -> int:
        return self.mention_count + self.quote_count + self.claim_count + self.source_count

    def add_alias(self, spelling: str) -> None:
        """Remember another spelling of the name (not saved here).

        Longer than a name may be, it is not a spelling of one: left out whole, never cut.
        """
        spelling = " ".join(spelling.split())
        too_long = len(spelling) > self._meta.get_field("aliases").base_field.max_length
        if spelling and not too_long and not self.spells(spelling):
            self.aliases = [*self.aliases, spelling]

    def spells(self, spelling: str) -> bool:
        """Whether ``spelling`` is its name or an alias, in any case and spacing."""
        spelling = " ".join(spelling.split()).casefold()
        return spelling == self.name.casefold() or any(spelling == alias.casefold() for alias in self.aliases)


class EntityMerge(models.Model):
    """A duplicate merged into another entity: who did it and when, what it was, what moved.

    Kept when the duplicate is gone: its old address redirects to the survivor, and the
    survivor's page shows where its annotations and spellings came from.
    """

    survivor = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="merges", verbose_name=gettext_lazy("entity kept")
    )
    merged_id = models.PositiveBigIntegerField(
        unique=True, help_text=gettext_lazy("The id the duplicate had."), verbose_name=gettext_lazy("merged ID")
    )
    merged_name = models.CharField(max_length=200, verbose_name=gettext_lazy("merged name"))
    merged_kind = models.CharField(max_length=12, choices=EntityKind, verbose_name=gettext_lazy("merged kind"))
    merged_aliases = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, verbose_name=gettext_lazy("merged spellings")
    )
    annotations_moved = models.PositiveIntegerField(verbose_name=gettext_lazy("annotations moved"))
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("merged by"),
    )
    merged_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("merged at"))

    class Meta:
        verbose_name = gettext_lazy("entity merge")
        verbose_name_plural = gettext_lazy("entity merges")
        ordering = ["-merged_at", "-id"]
        constraints = [choices_constraint("merged_kind", EntityKind, "entity_merge_kind_valid")]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.survivor_id}"
