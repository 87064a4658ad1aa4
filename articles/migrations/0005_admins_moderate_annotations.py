"""Admins change and delete anyone's annotations; Editors only their own."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderate = Permission.objects.get(content_type__app_label="articles", codename="moderate_annotation")
    Group.objects.get(name="Admins").permissions.add(moderate)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="articles", codename="moderate_annotation").delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_annotation_details")]

    operations = [migrations.RunPython(grant, revoke)]
