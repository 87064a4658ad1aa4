"""What models of several apps share."""

from django.db import models


class KeptByTheDatabase(models.Model):
    """A model some of whose fields the database keeps itself (triggers): counts, versions, search
    columns. A save of the whole object never writes those back, as the values in hand may have
    been read before the database's latest change."""

    DATABASE_KEPT_FIELDS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and not field.generated and field.name not in self.DATABASE_KEPT_FIELDS
            ]
        super().save(*args, **kwargs)
