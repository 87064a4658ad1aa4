import hashlib
import secrets

from django.conf import settings
from django.db import connection, models
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


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Tokens that still authenticate: not revoked, their owner not deactivated."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def for_secret(self, secret: str):
        return self.filter(key_hash=ApiToken.hash(secret))


class ApiToken(models.Model):
    """A person's key to the read API (README, "API"): only a hash of its secret is kept.

    The secret is shown once, when the token is made (accounts.services.create_api_token); whoever
    reads the database learns nothing that authenticates. A revoked token stays listed, greyed,
    so its owner can tell which script stopped working.
    """

    PREFIX = "nr_"  # marks a Newsroom secret, as in a leaked-secret scanner's rules
    VISIBLE_CHARACTERS = 8  # after the prefix: enough to tell one's tokens apart, too few to guess the rest

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False, help_text="SHA-256 of the secret.")
    prefix = models.CharField(max_length=20, editable=False, help_text="The secret's first characters.")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    # The rate limit's count (api.security.PerTokenRate): requests in the minute that started at
    # minute_started_at. Kept on the token so that every server process counts the same requests.
    minute_started_at = models.DateTimeField(null=True, editable=False)
    requests_this_minute = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The account page lists one person's tokens, newest first.
            models.Index(fields=["user", "-created_at"], name="api_token_user_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="api_token_name_not_empty"),
            models.CheckConstraint(condition=models.Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="api_token_hash_hex"),
            models.CheckConstraint(condition=models.Q(prefix__startswith="nr_"), name="api_token_prefix_marked"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        # A plain hash suffices: the secret is 256 random bits, not a password anyone could guess.
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def count_request(self) -> tuple[int, float]:
        """Count one more request in the current minute, by the database's clock, and note the
        token as used: the requests counted in this minute so far, and the seconds left of it.

        One statement, so two server processes never count the same request once between them.
        Bookkeeping rather than a change of the token, so it is not a service."""
        table = connection.ops.quote_name(self._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(COUNT_REQUEST.format(table=table), {"id": self.pk})
            count, seconds_left = cursor.fetchone()
        return count, float(seconds_left)


COUNT_REQUEST = """
UPDATE {table} SET
       requests_this_minute = CASE WHEN minute_started_at = date_trunc('minute', statement_timestamp())
                                   THEN requests_this_minute + 1 ELSE 1 END,
       minute_started_at = date_trunc('minute', statement_timestamp()),
       last_used_at = statement_timestamp()
 WHERE id = %(id)s
RETURNING requests_this_minute,
          extract(epoch FROM minute_started_at + interval '1 minute' - statement_timestamp())
"""
