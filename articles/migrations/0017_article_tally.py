"""The article list's counts for the whole archive from a tally (ArticleTally): rows per
combination of status, kinds of annotations and verdicts, which triggers on articles add to
(and empty when articles are truncated).

The triggers come first and the tally is filled after them, in this migration's transaction: a
trigger's creation makes every other writer of articles wait until the migration commits, so no
article is counted twice or missed. FILL is ArticleTally.objects.recount()'s, as of this migration."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

FILL = """
INSERT INTO articles_tally (status, kind_bits, verdict_bits, articles, summed)
SELECT status,
       (CASE WHEN source_count > 0 THEN 1 ELSE 0 END) + (CASE WHEN quote_count > 0 THEN 2 ELSE 0 END)
       + (CASE WHEN claim_count > 0 THEN 4 ELSE 0 END) + (CASE WHEN entity_count > 0 THEN 8 ELSE 0 END),
       claim_verdict_bits,
       count(*),
       true
  FROM articles_article
 GROUP BY 1, 2, 3
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_claim_verdict_bits"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[("new", "New"), ("in_progress", "In progress"), ("done", "Done")],
                        max_length=11,
                        verbose_name="status",
                    ),
                ),
                ("kind_bits", models.PositiveSmallIntegerField(verbose_name="kinds of annotations, as bits")),
                ("verdict_bits", models.PositiveSmallIntegerField(verbose_name="verdicts of claims, as bits")),
                ("articles", models.IntegerField(verbose_name="articles")),
                ("summed", models.BooleanField(db_default=False, default=False, verbose_name="summed")),
            ],
            options={
                "verbose_name": "article tally",
                "verbose_name_plural": "article tallies",
                "db_table": "articles_tally",
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="article",
            trigger=pgtrigger.compiler.Trigger(
                name="tally_on_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nINSERT INTO articles_tally (status, kind_bits, verdict_bits, articles)\nSELECT status, kind_bits, verdict_bits, sum(articles)\n  FROM (SELECT status, (CASE WHEN source_count > 0 THEN 1 ELSE 0 END) + (CASE WHEN quote_count > 0 THEN 2 ELSE 0 END) + (CASE WHEN claim_count > 0 THEN 4 ELSE 0 END) + (CASE WHEN entity_count > 0 THEN 8 ELSE 0 END) AS kind_bits, claim_verdict_bits AS verdict_bits, 1 AS articles FROM new_rows) AS changed\n GROUP BY status, kind_bits, verdict_bits\nHAVING sum(articles) <> 0;\nRETURN NULL;",
                    hash="707279a85aeb4df6b488f5ee48662b7f77268cc7",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_tally_on_insert_e2ab4",
                    referencing="REFERENCING NEW TABLE AS new_rows ",
                    table="articles_article",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="article",
            trigger=pgtrigger.compiler.Trigger(
                name="tally_on_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nINSERT INTO articles_tally (status, kind_bits, verdict_bits, articles)\nSELECT status, kind_bits, verdict_bits, sum(articles)\n  FROM (SELECT status, (CASE WHEN source_count > 0 THEN 1 ELSE 0 END) + (CASE WHEN quote_count > 0 THEN 2 ELSE 0 END) + (CASE WHEN claim_count > 0 THEN 4 ELSE 0 END) + (CASE WHEN entity_count > 0 THEN 8 ELSE 0 END) AS kind_bits, claim_verdict_bits AS verdict_bits, 1 AS articles FROM new_rows UNION ALL SELECT status, (CASE WHEN source_count > 0 THEN 1 ELSE 0 END) + (CASE WHEN quote_count > 0 THEN 2 ELSE 0 END) + (CASE WHEN claim_count > 0 THEN 4 ELSE 0 END) + (CASE WHEN entity_count > 0 THEN 8 ELSE 0 END) AS kind_bits, claim_verdict_bits AS verdict_bits, -1 AS articles FROM old_rows) AS changed\n GROUP BY status, kind_bits, verdict_bits\nHAVING sum(articles) <> 0;\nRETURN NULL;",
                    hash="a07bcf04bddfe6bfc2a770dadbe38d6733c302e4",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_tally_on_update_4adf3",
                    referencing="REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ",
                    table="articles_article",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="article",
            trigger=pgtrigger.compiler.Trigger(
                name="tally_on_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nINSERT INTO articles_tally (status, kind_bits, verdict_bits, articles)\nSELECT status, kind_bits, verdict_bits, sum(articles)\n  FROM (SELECT status, (CASE WHEN source_count > 0 THEN 1 ELSE 0 END) + (CASE WHEN quote_count > 0 THEN 2 ELSE 0 END) + (CASE WHEN claim_count > 0 THEN 4 ELSE 0 END) + (CASE WHEN entity_count > 0 THEN 8 ELSE 0 END) AS kind_bits, claim_verdict_bits AS verdict_bits, -1 AS articles FROM old_rows) AS changed\n GROUP BY status, kind_bits, verdict_bits\nHAVING sum(articles) <> 0;\nRETURN NULL;",
                    hash="b7236de233f36ffee1d7bb578d05b76b16ed1028",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_tally_on_delete_2dddf",
                    referencing="REFERENCING OLD TABLE AS old_rows ",
                    table="articles_article",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="articletally",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["new", "in_progress", "done"])), name="tally_status_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="articletally",
            constraint=models.CheckConstraint(condition=models.Q(("kind_bits__lt", 16)), name="tally_kind_bits_valid"),
        ),
        migrations.AddConstraint(
            model_name="articletally",
            constraint=models.CheckConstraint(
                condition=models.Q(("verdict_bits__lt", 128)), name="tally_verdict_bits_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="articletally",
            constraint=models.CheckConstraint(
                condition=models.Q(("articles", 0), _negated=True), name="tally_articles_not_zero"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="article",
            trigger=pgtrigger.compiler.Trigger(
                name="tally_on_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="DELETE FROM articles_tally; RETURN NULL;",
                    hash="8831a032801a5fe0875fbe0802846ea2d20f69da",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_tally_on_truncate_a7e4d",
                    table="articles_article",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=True),
    ]
