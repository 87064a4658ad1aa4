"""The two groups people belong to: Editors read and annotate, Admins also import and manage users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "change_article"),
    ("articles", "view_entity"),
    ("articles", "add_entity"),
    ("articles", "change_entity"),
    ("articles", "view_annotation"),
    ("articles", "add_annotation"),
    ("articles", "change_annotation"),
    ("articles", "delete_annotation"),
]
ADMIN_EXTRA_PERMISSIONS = [
    ("articles", "import_articles"),
    ("articles", "add_article"),
    ("articles", "delete_article"),
    ("articles", "delete_entity"),
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("auth", "view_group"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        wanted = set(pairs)
        found = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        assert len(found) == len(wanted), (
            f"missing permissions: {wanted - {(p.content_type.app_label, p.codename) for p in found}}"
        )
        return found

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(permissions(EDITOR_PERMISSIONS))
    admins, _ = Group.objects.get_or_create(name="Admins")
    admins.permissions.set(permissions(EDITOR_PERMISSIONS + ADMIN_EXTRA_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Admins"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
