import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0009_hungarian_sort_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="entity",
            name="aliases",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=200),
                blank=True,
                default=list,
                help_text="Other spellings, one per item.",
                verbose_name="other spellings",
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="claim_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="claims"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="description",
            field=models.TextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text="An identifier elsewhere, e.g. a Wikidata QID such as Q56226.",
                max_length=100,
                verbose_name="external ID",
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="kind",
            field=models.CharField(
                choices=[
                    ("person", "Person"),
                    ("organisation", "Organisation"),
                    ("place", "Place"),
                    ("other", "Other"),
                ],
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="last_annotated_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last annotated"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="mention_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="mentions"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="name",
            field=models.CharField(db_collation="newsroom_hu", max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="name_sort_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func("name", function="newsroom_hungarian_sort_key"),
                output_field=models.TextField(db_collation="C"),
                verbose_name="name sort key",
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="quote_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False, verbose_name="quotes"),
        ),
        migrations.AlterField(
            model_name="entity",
            name="search_names",
            field=models.TextField(
                default="",
                editable=False,
                help_text="The name and aliases, in lower case and without accents, kept by the database (trigger, migration entities 0003) for similarity search.",
                verbose_name="search names",
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="source_count",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="cited as a source"
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="spelling_keys",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=200),
                default=list,
                editable=False,
                help_text="Transliteration keys of the name and aliases, kept by save().",
                verbose_name="spelling keys",
            ),
        ),
        migrations.AlterField(
            model_name="entity",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="annotations_moved",
            field=models.PositiveIntegerField(verbose_name="annotations moved"),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="merged_aliases",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=200), blank=True, default=list, verbose_name="merged spellings"
            ),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="merged_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="merged at"),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="merged_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="merged by",
            ),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="merged_id",
            field=models.PositiveBigIntegerField(
                help_text="The id the duplicate had.", unique=True, verbose_name="merged ID"
            ),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="merged_kind",
            field=models.CharField(
                choices=[
                    ("person", "Person"),
                    ("organisation", "Organisation"),
                    ("place", "Place"),
                    ("other", "Other"),
                ],
                max_length=12,
                verbose_name="merged kind",
            ),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="merged_name",
            field=models.CharField(max_length=200, verbose_name="merged name"),
        ),
        migrations.AlterField(
            model_name="entitymerge",
            name="survivor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="merges",
                to="entities.entity",
                verbose_name="entity kept",
            ),
        ),
    ]
