"""The verdicts of an article's claims also as bits, computed by the database from the array it keeps
(0015): the article list counts articles per verdict by testing a bit of a column in
article_list_counts_idx, a tenth of the cost of testing the array, 7 verdicts times every article."""

import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_article_list_counts_and_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_list_counts_idx",
        ),
        migrations.AddField(
            model_name="article",
            name="claim_verdict_bits",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.CombinedExpression(
                    django.db.models.expressions.CombinedExpression(
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        models.Case(
                                            models.When(claim_verdicts__contains=["unverified"], then=models.Value(1)),
                                            default=models.Value(0),
                                        ),
                                        "+",
                                        models.Case(
                                            models.When(claim_verdicts__contains=["true"], then=models.Value(2)),
                                            default=models.Value(0),
                                        ),
                                    ),
                                    "+",
                                    models.Case(
                                        models.When(claim_verdicts__contains=["mostly_true"], then=models.Value(4)),
                                        default=models.Value(0),
                                    ),
                                ),
                                "+",
                                models.Case(
                                    models.When(claim_verdicts__contains=["half_true"], then=models.Value(8)),
                                    default=models.Value(0),
                                ),
                            ),
                            "+",
                            models.Case(
                                models.When(claim_verdicts__contains=["misleading"], then=models.Value(16)),
                                default=models.Value(0),
                            ),
                        ),
                        "+",
                        models.Case(
                            models.When(claim_verdicts__contains=["false"], then=models.Value(32)),
                            default=models.Value(0),
                        ),
                    ),
                    "+",
                    models.Case(
                        models.When(claim_verdicts__contains=["unverifiable"], then=models.Value(64)),
                        default=models.Value(0),
                    ),
                ),
                output_field=models.IntegerField(),
                verbose_name="verdicts of its claims, as bits",
            ),
        ),
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
                    "claim_verdict_bits",
                ),
                name="article_list_counts_idx",
            ),
        ),
    ]
