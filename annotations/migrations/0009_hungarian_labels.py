import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0008_version"),
        ("articles", "0012_hungarian_labels"),
        ("entities", "0010_hungarian_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="annotation",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annotations",
                to="articles.article",
                verbose_name="article",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="annotations",
                to=settings.AUTH_USER_MODEL,
                verbose_name="author",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="cue_verb",
            field=models.CharField(
                blank=True,
                help_text="Quotes only: the verb of saying, e.g. mondta.",
                max_length=60,
                verbose_name="cue verb",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="end",
            field=models.PositiveIntegerField(
                help_text="Unicode code point offset into the body, exclusive.", verbose_name="end"
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="entity",
            field=models.ForeignKey(
                blank=True,
                help_text="The speaker of a quote, the claimant of a claim, who is behind a source, or the entity a mention names.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="annotations",
                to="entities.entity",
                verbose_name="entity",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="evidence",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.URLField(max_length=500),
                blank=True,
                default=list,
                help_text="Claims only: links that support a verdict.",
                verbose_name="evidence",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="exact",
            field=models.TextField(help_text="The annotated text: body[start:end].", verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="kind",
            field=models.CharField(
                choices=[("source", "Source"), ("quote", "Quote"), ("claim", "Claim"), ("entity", "Entity mention")],
                max_length=6,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="prefix",
            field=models.TextField(
                blank=True, help_text="Text just before the span, to re-anchor it.", verbose_name="text before"
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="quote_type",
            field=models.CharField(
                blank=True,
                choices=[("direct", "Direct"), ("indirect", "Indirect")],
                help_text="Quotes only.",
                max_length=8,
                verbose_name="quote type",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="source_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("news_agency", "News agency"),
                    ("media", "Media"),
                    ("official", "Official"),
                    ("expert", "Expert"),
                    ("document", "Document"),
                    ("anonymous", "Anonymous"),
                ],
                help_text="Sources only.",
                max_length=11,
                verbose_name="source type",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="start",
            field=models.PositiveIntegerField(
                help_text="Unicode code point offset into the body, inclusive.", verbose_name="start"
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="suffix",
            field=models.TextField(
                blank=True, help_text="Text just after the span, to re-anchor it.", verbose_name="text after"
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="verdict",
            field=models.CharField(
                blank=True,
                choices=[
                    ("unverified", "Unverified"),
                    ("true", "True"),
                    ("mostly_true", "Mostly true"),
                    ("half_true", "Half true"),
                    ("misleading", "Misleading"),
                    ("false", "False"),
                    ("unverifiable", "Cannot be verified"),
                ],
                help_text="Claims only.",
                max_length=12,
                verbose_name="verdict",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="verdict_set_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Claims only: when the verdict was set last.",
                null=True,
                verbose_name="verdict set at",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="verdict_set_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Claims only: who set the verdict last.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="verdict set by",
            ),
        ),
    ]
