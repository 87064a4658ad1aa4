"""Word indexes of quotes' and claims' text beside their trigram indexes: several words typed are found
by their words first (annotations.models.AnnotationQuerySet.containing())."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0012_annotation_provenance"),
        ("articles", "0016_claim_verdict_bits"),
        ("entities", "0011_version_label"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="annotation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    django.db.models.functions.text.Upper(
                        models.Func("exact", function="newsroom_unaccent", output_field=models.TextField())
                    ),
                    config="simple",
                ),
                condition=models.Q(("kind", "quote")),
                name="annotation_quote_words_tsv",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    django.db.models.functions.text.Upper(
                        models.Func("exact", function="newsroom_unaccent", output_field=models.TextField())
                    ),
                    config="simple",
                ),
                condition=models.Q(("kind", "claim")),
                name="annotation_claim_words_tsv",
            ),
        ),
    ]
