"""What the catalogue shows of each entity, counted by the database; merges recorded.

Each entity's counts of mentions, quotes, claims and citations as a source, and when it was
last annotated, are kept by a trigger on annotations (once per statement, for the entities
its rows name before and after): the catalogue sorts by them at any size, and no write path
can forget them. Existing entities are counted here once.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COUNTS_FUNCTION = """
CREATE FUNCTION newsroom_entity_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT entity_id) INTO touched FROM new_rows WHERE entity_id IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT entity_id) INTO touched FROM old_rows WHERE entity_id IS NOT NULL;
    ELSE  -- only rows whose entity or kind changed change any count
        SELECT array_agg(DISTINCT changed.entity_id) INTO touched FROM (
            SELECT old_rows.entity_id FROM old_rows JOIN new_rows USING (id)
             WHERE old_rows.entity_id IS DISTINCT FROM new_rows.entity_id OR old_rows.kind <> new_rows.kind
            UNION
            SELECT new_rows.entity_id FROM old_rows JOIN new_rows USING (id)
             WHERE old_rows.entity_id IS DISTINCT FROM new_rows.entity_id OR old_rows.kind <> new_rows.kind
        ) changed WHERE changed.entity_id IS NOT NULL;
    END IF;
    IF touched IS NOT NULL THEN
        -- Wait for whoever else is changing these entities' counts first; the recount, a
        -- statement of its own, then sees what they committed (a recount that had counted
        -- before waiting would write back a number older than theirs).
        PERFORM 1 FROM {entity} WHERE id = ANY(touched) ORDER BY id FOR UPDATE;
        {recount};
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER entity_counts_on_insert AFTER INSERT ON {annotation}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION newsroom_entity_counts();
CREATE TRIGGER entity_counts_on_update AFTER UPDATE ON {annotation}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsroom_entity_counts();
CREATE TRIGGER entity_counts_on_delete AFTER DELETE ON {annotation}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION newsroom_entity_counts();
"""

# Counting again from the annotations (rather than adding and subtracting) stays right whatever
# the statement did; an entity's annotations are found by the foreign key's index.
RECOUNT = """
UPDATE {entity} entity SET
    mention_count = counted.mentions, quote_count = counted.quotes,
    claim_count = counted.claims, source_count = counted.sources, last_annotated_at = counted.latest
  FROM (
    SELECT counting.id,
           count(annotation.id) FILTER (WHERE annotation.kind = 'entity') AS mentions,
           count(annotation.id) FILTER (WHERE annotation.kind = 'quote') AS quotes,
           count(annotation.id) FILTER (WHERE annotation.kind = 'claim') AS claims,
           count(annotation.id) FILTER (WHERE annotation.kind = 'source') AS sources,
           max(annotation.created_at) AS latest
      FROM {entity} counting LEFT JOIN {annotation} annotation ON annotation.entity_id = counting.id
     GROUP BY counting.id
  ) counted
 WHERE counted.id = entity.id
"""

DROP = """
DROP TRIGGER IF EXISTS entity_counts_on_insert ON {annotation};
DROP TRIGGER IF EXISTS entity_counts_on_update ON {annotation};
DROP TRIGGER IF EXISTS entity_counts_on_delete ON {annotation};
DROP FUNCTION IF EXISTS newsroom_entity_counts();
"""


def _tables(apps, schema_editor) -> dict[str, str]:
    quote = schema_editor.quote_name
    return {
        "entity": quote(apps.get_model("entities", "Entity")._meta.db_table),
        "annotation": quote(apps.get_model("annotations", "Annotation")._meta.db_table),
    }


def count_and_keep_counting(apps, schema_editor):
    tables = _tables(apps, schema_editor)
    recount = RECOUNT.format(**tables)
    schema_editor.execute(recount)  # every entity, once
    # In the trigger, only the entities touched: the subquery's own filter keeps it to them.
    touched_only = recount.replace("GROUP BY counting.id", "WHERE counting.id = ANY(touched) GROUP BY counting.id")
    schema_editor.execute(COUNTS_FUNCTION.replace("{recount}", touched_only).format(**tables))


def stop_counting(apps, schema_editor):
    schema_editor.execute(DROP.format(**_tables(apps, schema_editor)))


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0001_initial"),
        ("annotations", "0003_annotation_once_per_author_kind_span"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EntityMerge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("merged_id", models.PositiveBigIntegerField(help_text="The id the duplicate had.", unique=True)),
                ("merged_name", models.CharField(max_length=200)),
                (
                    "merged_kind",
                    models.CharField(
                        choices=[
                            ("person", "Person"),
                            ("organisation", "Organisation"),
                            ("place", "Place"),
                            ("other", "Other"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "merged_aliases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200), blank=True, default=list
                    ),
                ),
                ("annotations_moved", models.PositiveIntegerField()),
                ("merged_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-merged_at", "-id"],
            },
        ),
        migrations.AlterModelOptions(
            name="entity",
            options={
                "ordering": ["name"],
                "permissions": [("merge_entity", "Can merge a duplicate entity into another")],
                "verbose_name_plural": "entities",
            },
        ),
        migrations.AddField(
            model_name="entity",
            name="claim_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="entity",
            name="last_annotated_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="entity",
            name="mention_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="entity",
            name="quote_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="entity",
            name="source_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["name", "id"], name="entity_by_name_idx"),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["-mention_count", "name", "id"], name="entity_most_mentioned_idx"),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(
                models.OrderBy(models.F("last_annotated_at"), descending=True, nulls_last=True),
                models.F("name"),
                models.F("id"),
                name="entity_recently_annotated_idx",
            ),
        ),
        migrations.AddField(
            model_name="entitymerge",
            name="merged_by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="entitymerge",
            name="survivor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="merges", to="entities.entity"
            ),
        ),
        migrations.AddConstraint(
            model_name="entitymerge",
            constraint=models.CheckConstraint(
                condition=models.Q(("merged_kind__in", ["person", "organisation", "place", "other"])),
                name="entity_merge_kind_valid",
            ),
        ),
        migrations.RunPython(count_and_keep_counting, stop_counting),
    ]
