"""Running the project's own commands in real processes against the test database."""

import os
from urllib.parse import quote

from django.db import connection


def current_database_url() -> str:
    """A DATABASE_URL for the database this test run uses (embedded or external)."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    if db["HOST"].startswith("/"):  # a Unix socket directory
        return f"postgresql://{credentials}@/{db['NAME']}?host={quote(db['HOST'])}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{credentials}@{db['HOST']}{port}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": current_database_url(),
        **extra,
    }
