"""Annotation, taken over from the articles app with its table (articles_annotation) and its rows."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, model, from_app, to_app):
    """Move the model's content type to its new app, so that what points at it follows: the
    permissions given to groups and people, and the admin's log.

    Should the new app's content type exist already (made by a migrate that stopped between the
    two apps), the old one's permissions and log entries are merged into it.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label=from_app, model=model).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=to_app, model=model).first()
    if new is None:
        old.app_label = to_app
        old.save(update_fields=["app_label"])
        return
    for permission in Permission.objects.filter(content_type=old):
        twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
        if twin is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(twin)
        for user in permission.user_set.all():
            user.user_permissions.add(twin)
        permission.delete()
    if apps.is_installed("django.contrib.admin"):
        apps.get_model("admin", "LogEntry").objects.filter(content_type=old).update(content_type=new)
    old.delete()


def take_content_type(apps, schema_editor):
    _move_content_type(apps, "annotation", "articles", "annotations")


def give_back_content_type(apps, schema_editor):
    _move_content_type(apps, "annotation", "annotations", "articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("articles", "0007_move_entity_and_annotation"),
        ("entities", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Annotation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("source", "Source"),
                                    ("quote", "Quote"),
                                    ("claim", "Claim"),
                                    ("entity", "Entity mention"),
                                ],
                                max_length=6,
                            ),
                        ),
                        (
                            "start",
                            models.PositiveIntegerField(
                                help_text="Unicode code point offset into the body, inclusive."
                            ),
                        ),
                        (
                            "end",
                            models.PositiveIntegerField(
                                help_text="Unicode code point offset into the body, exclusive."
                            ),
                        ),
                        ("exact", models.TextField(help_text="The annotated text: body[start:end].")),
                        (
                            "prefix",
                            models.TextField(blank=True, help_text="Text just before the span, to re-anchor it."),
                        ),
                        (
                            "suffix",
                            models.TextField(blank=True, help_text="Text just after the span, to re-anchor it."),
                        ),
                        (
                            "verdict",
                            models.CharField(
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
                            ),
                        ),
                        (
                            "evidence",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.URLField(max_length=500),
                                blank=True,
                                default=list,
                                help_text="Claims only: links that support a verdict.",
                            ),
                        ),
                        (
                            "quote_type",
                            models.CharField(
                                blank=True,
                                choices=[("direct", "Direct"), ("indirect", "Indirect")],
                                help_text="Quotes only.",
                                max_length=8,
                            ),
                        ),
                        (
                            "cue_verb",
                            models.CharField(
                                blank=True, help_text="Quotes only: the verb of saying, e.g. mondta.", max_length=60
                            ),
                        ),
                        (
                            "source_type",
                            models.CharField(
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
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="annotations",
                                to="articles.article",
                            ),
                        ),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="annotations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "entity",
                            models.ForeignKey(
                                blank=True,
                                help_text="The speaker of a quote, the claimant of a claim, who is behind a source, or the entity a mention names.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="annotations",
                                to="entities.entity",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_annotation",
                        "permissions": [("moderate_annotation", "Can change and delete anyone's annotations")],
                        "indexes": [models.Index(fields=["article", "start"], name="annotation_article_start_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("kind__in", ["source", "quote", "claim", "entity"])),
                                name="annotation_kind_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("end__gt", models.F("start")), ("start__gte", 0)),
                                name="annotation_span_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "end",
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("start"), "+", django.db.models.functions.text.Length("exact")
                                        ),
                                    )
                                ),
                                name="annotation_exact_fits_span",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("kind", "claim"),
                                        (
                                            "verdict__in",
                                            [
                                                "unverified",
                                                "true",
                                                "mostly_true",
                                                "half_true",
                                                "misleading",
                                                "false",
                                                "unverifiable",
                                            ],
                                        ),
                                    ),
                                    models.Q(models.Q(("kind", "claim"), _negated=True), ("verdict", "")),
                                    _connector="OR",
                                ),
                                name="annotation_verdict_only_on_claims",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("kind", "claim"), ("evidence", []), _connector="OR"),
                                name="annotation_evidence_only_on_claims",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind", "quote"), ("quote_type__in", ["direct", "indirect", ""])),
                                    models.Q(("cue_verb", ""), ("quote_type", "")),
                                    _connector="OR",
                                ),
                                name="annotation_quote_fields_only_on_quotes",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("kind", "source"),
                                        (
                                            "source_type__in",
                                            ["news_agency", "media", "official", "expert", "document", "anonymous", ""],
                                        ),
                                    ),
                                    ("source_type", ""),
                                    _connector="OR",
                                ),
                                name="annotation_source_type_only_on_sources",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(take_content_type, give_back_content_type),
    ]
