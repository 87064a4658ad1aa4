from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy

# How similar a spelling must be for Entity.objects.matching() to find it. pg_trgm's default
# (0.6) misses a name with a Hungarian case suffix ('Sojgunak' is 0.56 of 'Szergej Sojgu').
WORD_SIMILARITY_THRESHOLD = 0.4


def set_similarity_threshold(sender, connection, **kwargs) -> None:
    """Each new database connection compares spellings at our threshold (the index applies it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {float(WORD_SIMILARITY_THRESHOLD)}")


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = gettext_lazy("Entities")

    def ready(self) -> None:
        connection_created.connect(set_similarity_threshold, dispatch_uid="entities.similarity_threshold")
