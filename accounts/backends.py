"""Django's ModelBackend, asking for a user's permissions in one query rather than two.

Every page checks permissions (the views, and the templates through ``perms``), so every
request loads them: Django's backend asks once for the user's own permissions and once for
their groups', each a query the ORM builds anew. Here one SQL statement, written once, answers
both. What is cached on the user object for the request, and every check, stays Django's.
"""

from functools import cache

from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

PERMISSIONS = """
SELECT content_type.{app_label}, permission.{codename}
  FROM {permission} permission
  JOIN {content_type} content_type ON content_type.{content_type_id} = permission.{permission_content_type}
 WHERE permission.{permission_id} IN (
        SELECT {own_permission} FROM {user_permissions} WHERE {own_user} = %(user)s
        UNION
        SELECT group_permissions.{group_permission}
          FROM {group_permissions} group_permissions
          JOIN {user_groups} user_groups ON user_groups.{user_group} = group_permissions.{permission_group}
         WHERE user_groups.{group_user} = %(user)s
       )
"""


@cache
def _permissions_sql() -> str:
    """PERMISSIONS with the tables and columns of the models (names quoted as the database needs)."""
    quote = connection.ops.quote_name
    user_permissions = User.user_permissions.through._meta
    group_permissions = Group.permissions.through._meta
    user_groups = User.groups.through._meta

    def column(meta, field: str) -> str:
        return quote(meta.get_field(field).column)

    return PERMISSIONS.format(
        permission=quote(Permission._meta.db_table),
        content_type=quote(ContentType._meta.db_table),
        app_label=column(ContentType._meta, "app_label"),
        codename=column(Permission._meta, "codename"),
        content_type_id=column(ContentType._meta, "id"),
        permission_content_type=column(Permission._meta, "content_type"),
        permission_id=column(Permission._meta, "id"),
        user_permissions=quote(user_permissions.db_table),
        own_permission=column(user_permissions, "permission"),
        own_user=column(user_permissions, "user"),
        group_permissions=quote(group_permissions.db_table),
        group_permission=column(group_permissions, "permission"),
        permission_group=column(group_permissions, "group"),
        user_groups=quote(user_groups.db_table),
        user_group=column(user_groups, "group"),
        group_user=column(user_groups, "user"),
    )


class ModelBackend(backends.ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), {"user": user_obj.pk})
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
