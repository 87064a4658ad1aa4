"""The article list at any size: each article's counts of annotations and when it was last
annotated and the verdicts of its claims, kept on its row by the database; an index for each of
the list's orders, and one that answers the list's counts per filter value alone.

The counts are kept by a trigger on annotations (once per statement, for the articles its rows
were and are in), as the entity catalogue's are (entities 0002): the list sorts and pages by them
through an index and shows a page's counts without counting annotations. Existing articles are
counted here once.
"""

import django.contrib.postgres.fields
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

COUNTS_FUNCTION = """
CREATE FUNCTION newsroom_article_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    -- Any change of an annotation changes its updated_at, so every article of its rows is touched.
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT article_id) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT article_id) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT article_id) INTO touched
          FROM (SELECT article_id FROM old_rows UNION SELECT article_id FROM new_rows) changed;
    END IF;
    IF touched IS NOT NULL THEN
        -- Wait for whoever else is changing these articles' annotations first; the recount, a
        -- statement of its own, then sees what they committed (a recount that had counted
        -- before waiting would write back a number older than theirs).
        PERFORM 1 FROM {article} WHERE id = ANY(touched) ORDER BY id FOR UPDATE;
        {recount};
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER article_counts_on_insert AFTER INSERT ON {annotation}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION newsroom_article_counts();
CREATE TRIGGER article_counts_on_update AFTER UPDATE ON {annotation}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsroom_article_counts();
CREATE TRIGGER article_counts_on_delete AFTER DELETE ON {annotation}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION newsroom_article_counts();
"""

# Counting again from the annotations (rather than adding and subtracting) stays right whatever
# the statement did, and gives a deletion the latest time of the annotations left; an article's
# annotations are found by the foreign key's index. Only rows whose counts differ are written.
RECOUNT = """
UPDATE {article} article SET
    annotation_count = counted.total, source_count = counted.sources, quote_count = counted.quotes,
    claim_count = counted.claims, entity_count = counted.mentions, claim_verdicts = counted.verdicts,
    last_annotated_at = counted.latest
  FROM (
    SELECT counting.id,
           count(annotation.id) AS total,
           count(annotation.id) FILTER (WHERE annotation.kind = 'source') AS sources,
           count(annotation.id) FILTER (WHERE annotation.kind = 'quote') AS quotes,
           count(annotation.id) FILTER (WHERE annotation.kind = 'claim') AS claims,
           count(annotation.id) FILTER (WHERE annotation.kind = 'entity') AS mentions,
           coalesce(array_agg(DISTINCT annotation.verdict ORDER BY annotation.verdict)
                    FILTER (WHERE annotation.kind = 'claim' AND annotation.verdict <> ''), ARRAY[]::varchar(12)[]) AS verdicts,
           max(annotation.updated_at) AS latest
      FROM {article} counting LEFT JOIN {annotation} annotation ON annotation.article_id = counting.id
     GROUP BY counting.id
  ) counted
 WHERE counted.id = article.id
   AND (article.annotation_count, article.source_count, article.quote_count, article.claim_count,
        article.entity_count, article.claim_verdicts, article.last_annotated_at)
       IS DISTINCT FROM
       (counted.total, counted.sources, counted.quotes, counted.claims, counted.mentions, counted.verdicts,
        counted.latest)
"""

DROP = """
DROP TRIGGER IF EXISTS article_counts_on_insert ON {annotation};
DROP TRIGGER IF EXISTS article_counts_on_update ON {annotation};
DROP TRIGGER IF EXISTS article_counts_on_delete ON {annotation};
DROP FUNCTION IF EXISTS newsroom_article_counts();
"""


def _tables(apps, schema_editor) -> dict[str, str]:
    quote = schema_editor.quote_name
    return {
        "article": quote(apps.get_model("articles", "Article")._meta.db_table),
        "annotation": quote(apps.get_model("annotations", "Annotation")._meta.db_table),
    }


def count_and_keep_counting(apps, schema_editor):
    tables = _tables(apps, schema_editor)
    recount = RECOUNT.format(**tables)
    schema_editor.execute(recount)  # every article, once
    # In the trigger, only the articles touched: the subquery's own filter keeps it to them.
    touched_only = recount.replace("GROUP BY counting.id", "WHERE counting.id = ANY(touched) GROUP BY counting.id")
    schema_editor.execute(COUNTS_FUNCTION.replace("{recount}", touched_only).format(**tables))


def stop_counting(apps, schema_editor):
    schema_editor.execute(DROP.format(**_tables(apps, schema_editor)))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_vector_kept_by_trigger"),
        ("annotations", "0011_claim_words_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="article",
            new_name="article_list_by_date_idx",
            old_name="article_published_idx",
        ),
        migrations.AddField(
            model_name="article",
            name="annotation_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="annotations"),
        ),
        migrations.AddField(
            model_name="article",
            name="claim_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="claims"),
        ),
        migrations.AddField(
            model_name="article",
            name="entity_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="entity mentions"),
        ),
        migrations.AddField(
            model_name="article",
            name="last_annotated_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last annotated"),
        ),
        migrations.AddField(
            model_name="article",
            name="quote_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="quotes"),
        ),
        migrations.AddField(
            model_name="article",
            name="source_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="sources"),
        ),
        migrations.AddField(
            model_name="article",
            name="claim_verdicts",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("unverified", "Unverified"),
                        ("true", "True"),
                        ("mostly_true", "Mostly true"),
                        ("half_true", "Half true"),
                        ("misleading", "Misleading"),
                        ("false", "False"),
                        ("unverifiable", "Cannot be verified"),
                    ],
                    max_length=12,
                ),
                db_default=[],
                default=list,
                editable=False,
                verbose_name="verdicts of its claims",
            ),
        ),
        migrations.RunPython(count_and_keep_counting, stop_counting),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "published_on"],
                include=(
                    "date_precision",
                    "source_count",
                    "quote_count",
                    "claim_count",
                    "entity_count",
                    "claim_verdicts",
                ),
                name="article_list_counts_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.OrderBy(models.F("annotation_count"), descending=True),
                models.OrderBy(models.F("published_on"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="article_list_by_count_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce(
                        "last_annotated_at",
                        django.db.models.functions.comparison.Cast(models.Value("-infinity"), models.DateTimeField()),
                    ),
                    descending=True,
                ),
                models.OrderBy(models.F("published_on"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="article_list_by_recent_idx",
            ),
        ),
    ]
