"""Entity, taken over from the articles app with its table (articles_entity) and its rows."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.functions.text
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
    _move_content_type(apps, "entity", "articles", "entities")


def give_back_content_type(apps, schema_editor):
    _move_content_type(apps, "entity", "entities", "articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0007_move_entity_and_annotation"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Entity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "kind",
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
                            "aliases",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=200),
                                blank=True,
                                default=list,
                                help_text="Other spellings, one per item.",
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                        (
                            "external_id",
                            models.CharField(
                                blank=True,
                                help_text="An identifier elsewhere, e.g. a Wikidata QID such as Q56226.",
                                max_length=100,
                            ),
                        ),
                        (
                            "spelling_keys",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=200),
                                default=list,
                                editable=False,
                                help_text="Transliteration keys of the name and aliases, kept by save().",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name_plural": "entities",
                        "db_table": "articles_entity",
                        "ordering": ["name"],
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(fields=["aliases"], name="entity_aliases_gin"),
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["spelling_keys"], name="entity_spelling_keys_gin"
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("kind__in", ["person", "organisation", "place", "other"])),
                                name="entity_kind_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("name", ""), _negated=True), name="entity_name_not_empty"
                            ),
                            models.UniqueConstraint(
                                django.db.models.functions.text.Lower("name"),
                                models.F("kind"),
                                name="entity_unique_name_per_kind",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("external_id", ""), _negated=True),
                                fields=("external_id",),
                                name="entity_unique_external_id",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(take_content_type, give_back_content_type),
    ]
