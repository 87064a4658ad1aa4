"""Who set a claim's verdict and when; the permission to review anyone's claim; the desks' indexes.

Claims stored before have no record: nobody has set their verdict through the services yet as
far as the database knows, so both fields stay empty (the desk shows "not yet reviewed").
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0004_annotation_entity_kind_new_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="annotation",
            options={
                "permissions": [
                    ("moderate_annotation", "Can change and delete anyone's annotations"),
                    ("review_claim", "Can set the verdict of anyone's claim"),
                ]
            },
        ),
        migrations.AddField(
            model_name="annotation",
            name="verdict_set_at",
            field=models.DateTimeField(blank=True, help_text="Claims only: when the verdict was set last.", null=True),
        ),
        migrations.AddField(
            model_name="annotation",
            name="verdict_set_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Claims only: who set the verdict last.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("verdict_set_at__isnull", True), ("verdict_set_by__isnull", True)),
                    models.Q(("kind", "claim"), ("verdict_set_at__isnull", False), ("verdict_set_by__isnull", False)),
                    _connector="OR",
                ),
                name="annotation_verdict_record_only_on_claims",
            ),
        ),
        # The desks filtered by speaker or claimant use annotation_entity_kind_new_idx (0004).
        # The claims desk filtered by verdict, and its counts per verdict.
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(fields=["kind", "verdict"], name="annotation_kind_verdict_idx"),
        ),
        # The quotes desk's words in the quote: upper(newsroom_unaccent(exact)) LIKE '%…%'.
        migrations.AddIndex(
            model_name="annotation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(
                        models.Func("exact", function="newsroom_unaccent", output_field=models.TextField())
                    ),
                    name="gin_trgm_ops",
                ),
                condition=models.Q(("kind", "quote")),
                name="annotation_quote_words_trgm",
            ),
        ),
    ]
