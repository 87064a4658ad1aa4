"""Running the project's own commands in real processes against the test database."""

import os

from django.db import connection

from newsroom.database import database_url


def current_database_url() -> str:
    """A DATABASE_URL for the database this test run uses (embedded or external)."""
    return database_url(connection.settings_dict)


def process_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": current_database_url(),
        **extra,
    }
