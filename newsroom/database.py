"""Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL.

This module is the one place that reads DATABASE_URL.
"""

from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DATABASE_NAME = "newsroom"


def parse_database_url(url: str) -> dict:
    """Turn ``postgres://user:password@host:port/name?option=value`` into a DATABASES entry.

    A Unix socket directory may be given as ``?host=/path`` (libpq's own convention); other
    query options (``sslmode``, ``connect_timeout``…) go to psycopg unchanged.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or postgresql://, not {parts.scheme or '(nothing)'}://"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database: add /NAME after the host.")
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


def database_url(settings: dict) -> str:
    """The DATABASE_URL for a DATABASES entry: the inverse of parse_database_url().

    For handing the database a process uses (the test database, a benchmark's) to another.
    """
    credentials = quote(settings["USER"], safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    options = dict(settings.get("OPTIONS") or {})
    host = settings["HOST"]
    if host.startswith("/"):  # a Unix socket directory goes in the query, as libpq writes it
        options["host"] = host
        host = ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    query = "&".join(f"{quote(str(key))}={quote(str(value), safe='/')}" for key, value in options.items())
    return f"postgresql://{credentials}@{host}{port}/{quote(settings['NAME'])}" + (f"?{query}" if query else "")


def database_settings(database_url: str, embedded_dir: Path) -> dict:
    if database_url:
        return parse_database_url(database_url)
    from newsroom import embedded_postgres

    return parse_database_url(embedded_postgres.ensure_running(embedded_dir, EMBEDDED_DATABASE_NAME))
