"""The roles people hold, as groups of permissions: the one list the app, its tests and `make run` share.

Editors read, annotate, review claims and keep the entity catalogue; Admins also import articles, moderate
anyone's annotations and manage people. The groups are made to match this module after every
`migrate` (and after a test run empties the database), so changing a role means changing it
here; permissions given to a group by hand in the admin are replaced then.
"""

import logging

from django.apps import apps as installed_apps
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS

logger = logging.getLogger(__name__)

EDITORS = "Editors"
ADMINS = "Admins"

EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "change_article"),
    ("entities", "view_entity"),
    ("entities", "add_entity"),
    ("entities", "change_entity"),
    ("entities", "merge_entity"),
    ("annotations", "view_annotation"),
    ("annotations", "add_annotation"),
    ("annotations", "change_annotation"),
    ("annotations", "delete_annotation"),
    # Fact-checking reviews others' claims: any editor sets any claim's verdict (the claims desk).
    ("annotations", "review_claim"),
]
ADMIN_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("articles", "import_articles"),
    ("articles", "add_article"),
    ("articles", "delete_article"),
    ("entities", "delete_entity"),
    ("annotations", "moderate_annotation"),
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("auth", "view_group"),
    # Failed logins: seeing who is locked out, and lifting a lockout by deleting its attempts.
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    # Everyone's changes on one page (history/).
    ("history", "view_activity"),
]
ROLES = {EDITORS: EDITOR_PERMISSIONS, ADMINS: ADMIN_PERMISSIONS}


def require(user, permission: str, message: str) -> None:
    """Refuse (403) unless ``user`` holds ``permission``: the services' first line."""
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def holds_more_than_a_role(user) -> bool:
    """Whether ``user`` holds rights no role gives: superuser status, permissions of their own, or
    a group that is not a role. Only a superuser may change such an account (accounts/admin.py)."""
    return user.is_superuser or user.user_permissions.exists() or user.groups.exclude(name__in=ROLES).exists()


def sync(apps=installed_apps, using: str = DEFAULT_DB_ALIAS, *, strict: bool = True) -> None:
    """Make each role's group exist and hold exactly its permissions.

    Not ``strict``: leave the groups alone when a permission does not exist yet, as after a
    partial or backward migrate (the next full one syncs them).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    known = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for name, pairs in ROLES.items():
        missing = [pair for pair in pairs if pair not in known]
        if missing and not strict:
            logger.warning("Groups not synced: %s names permissions that do not exist yet: %s", name, missing)
            return
        if missing:
            raise LookupError(f"The role {name} names permissions that do not exist: {missing}")
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([known[pair] for pair in pairs])


def sync_after_migrate(sender, *, using: str, apps=installed_apps, **kwargs) -> None:
    """post_migrate, sent for the accounts app: every other app's permissions exist by then.

    ``apps`` is the migrations' state after migrate, and missing after a flush.
    """
    sync(apps, using, strict=False)
