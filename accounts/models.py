from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The module also makes Django send post_migrate to this app, when the roles are synced (accounts/apps.py).


class Preferences(models.Model):
    """What a person chose for themselves, kept with their account so it follows them to any browser."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
