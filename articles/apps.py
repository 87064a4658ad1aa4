from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = gettext_lazy("Articles")
    default_auto_field = "django.db.models.BigAutoField"
