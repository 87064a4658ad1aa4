from django.apps import AppConfig


class DesksConfig(AppConfig):
    """The quotes desk and the claims desk: pages over the annotations of every article."""

    name = "desks"
