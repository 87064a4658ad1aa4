from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DesksConfig(AppConfig):
    """The quotes desk and the claims desk: pages over the annotations of every article."""

    name = "desks"
    verbose_name = gettext_lazy("Desks")
