"""The one write path for a person's own preferences."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Preferences


def set_language(user: AbstractBaseUser, *, language: str) -> Preferences:
    """Remember `language` (one of settings.LANGUAGES) as the user's own choice."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"{language!r} is not one of the site's languages")
    preferences, _ = Preferences.objects.update_or_create(user=user, defaults={"language": language})
    return preferences


def chosen_language(user: AbstractBaseUser) -> str | None:
    """The language the user chose, or None if they never chose one."""
    return Preferences.objects.filter(user=user).values_list("language", flat=True).first()
