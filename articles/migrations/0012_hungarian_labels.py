import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.datetime
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_reader"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="annotation_version",
            field=models.PositiveBigIntegerField(
                db_default=0,
                default=0,
                editable=False,
                help_text="Goes up by one with every statement that adds, changes or deletes annotations of this article, or renames an entity they name: the page keeps the version it shows.",
                verbose_name="annotation version",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                help_text="Normalised text (NFC, \\n line endings); annotation offsets point into it.",
                verbose_name="text",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="date_precision",
            field=models.CharField(
                choices=[("year", "Year"), ("month", "Month"), ("day", "Day")],
                max_length=5,
                verbose_name="date precision",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="imported_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), editable=False, verbose_name="imported at"
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="imported_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="imported by",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="language",
            field=models.CharField(db_default="hu", default="hu", max_length=8, verbose_name="language"),
        ),
        migrations.AlterField(
            model_name="article",
            name="published_on",
            field=models.DateField(
                help_text="First day of the period when the precision is a month or a year.", verbose_name="published"
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("title", "body", config="hungarian"),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        models.Func(
                            models.Func(
                                django.db.models.functions.text.Concat(
                                    "title", models.Value(" "), "body", output_field=models.TextField()
                                ),
                                output_field=models.TextField(),
                                template="regexp_replace(%(expressions)s, '\\m[[:lower:]][^[:space:]]*', '', 'g')",
                            ),
                            function="newsroom_unaccent",
                            output_field=models.TextField(),
                        ),
                        config="simple",
                    ),
                    django.contrib.postgres.search.SearchConfig("hungarian"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                verbose_name="search vector",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="source_filename",
            field=models.CharField(blank=True, max_length=255, verbose_name="source file name"),
        ),
        migrations.AlterField(
            model_name="article",
            name="status",
            field=models.CharField(
                choices=[("new", "New"), ("in_progress", "In progress"), ("done", "Done")],
                db_default="new",
                default="new",
                max_length=11,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="title",
            field=models.CharField(max_length=300, verbose_name="title"),
        ),
    ]
