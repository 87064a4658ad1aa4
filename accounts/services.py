"""The one write path for what is a person's own: their preferences and their API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Preferences


def set_language(user: AbstractBaseUser, *, language: str) -> Preferences:
    """Remember `language` (one of settings.LANGUAGES) as the user's own choice."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"{language!r} is not one of the site's languages")
    preferences, _ = Preferences.objects.update_or_create(user=user, defaults={"language": language})
    return preferences


def chosen_language(user: AbstractBaseUser) -> str | None:
    """The language the user chose, or None if they never chose one."""
    return Preferences.objects.filter(user=user).values_list("language", flat=True).first()


@transaction.atomic
def create_api_token(*, name: str, by: AbstractBaseUser) -> tuple[ApiToken, str]:
    """A new API token of ``by``'s own, named ``name``: the token and its secret, which is shown
    this once and kept nowhere (only its hash is stored)."""
    if not by.is_authenticated or not by.is_active:
        raise PermissionDenied(_("Log in to make an API token."))
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=by,
        name=" ".join(name.split()),
        key_hash=ApiToken.hash(secret),
        prefix=secret[: len(ApiToken.PREFIX) + ApiToken.VISIBLE_CHARACTERS],
    )
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: AbstractBaseUser) -> ApiToken:
    """Revoke ``token`` for good: from now on it authenticates nothing. Revoking it again changes nothing."""
    # Not even an admin revokes another person's tokens: an admin deactivates the account instead,
    # which stops all of them at once.
    if not by.is_authenticated or token.user_id != by.pk:
        raise PermissionDenied(_("People manage only their own API tokens."))
    # Locked, so that the first of two revocations at once keeps its time.
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    return token
