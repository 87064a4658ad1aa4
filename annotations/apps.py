from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = gettext_lazy("Annotations")
