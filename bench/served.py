"""For benchmarks: a scratch database with an annotated article, and the app served by gunicorn.

Served the way README.md says to deploy: gunicorn, DEBUG off, PostgreSQL through DATABASE_URL
(here a fresh database beside the configured or embedded one), static files by WhiteNoise.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")  # only for this process's set-up; the served app runs with DEBUG off
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# One key for this process and the server, so the session made here is valid there.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from annotations.models import Annotation  # noqa: E402
from articles.models import Article  # noqa: E402
from entities.models import Entity  # noqa: E402
from newsroom.database import database_url  # noqa: E402

# About 4 KB of Hungarian news prose in five paragraphs.
SENTENCES = [
    "Egy magas rangú orosz biztonsági tisztviselő idén júniusban már másodszor utazott Phenjanba.",
    "A TASZSZ hírügynökség szerint Szergej Sojgu különleges megbízással érkezett az észak-koreai fővárosba.",
    "„Akik az igazságért harcoltak, mind hősök” – mondta Kim Dzsongun akkor.",
    "Valerij Geraszimov azt is megerősítette, hogy több, mint 12 ezer katona vett részt a harcokban.",
    "Az észak-koreai média nem erősítette meg a látogatást – írja az ABC News.",
]


def make_body(size: int = 4000) -> str:
    paragraphs, paragraph, length = [], [], 0
    while length < size:
        sentence = SENTENCES[len(paragraph) % len(SENTENCES)]
        paragraph.append(sentence)
        length += len(sentence) + 1
        if len(paragraph) == 9:
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    paragraphs.append(" ".join(paragraph))
    return "\n\n".join(p for p in paragraphs if p)


def word_spans(body: str) -> list[tuple[int, int]]:
    import re

    return [match.span() for match in re.finditer(r"\w+", body)]


def make_annotated_article(author: User, annotations: int, *, title: str) -> Article:
    import hashlib

    body = make_body() + f"\n\n{title}."
    article = Article.objects.create(
        title=title,
        body=body,
        published_on="2025-06-01",
        date_precision="month",
        content_sha256=hashlib.sha256(body.encode()).hexdigest(),
    )
    kim = Entity.objects.get_or_create(name="Kim Dzsongun", kind="person")[0]
    spans = word_spans(body)
    kinds = ["entity", "quote", "claim", "source"]
    rows = []
    for i in range(annotations):
        start = spans[(i * 3) % len(spans)][0]
        end = spans[min((i * 3) % len(spans) + 1 + i % 7, len(spans) - 1)][1]  # 1–8 words, overlapping
        kind = kinds[i % 4]
        annotation = Annotation(
            article=article, kind=kind, start=start, end=end, author=author, entity=kim if i % 3 == 0 else None
        )
        annotation.anchor(body)
        if kind == "claim":
            annotation.verdict = "unverified"
        rows.append(annotation)
    Annotation.objects.bulk_create(rows)
    return article


@contextlib.contextmanager
def scratch_database():
    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection.settings_dict
    finally:
        connection.close()
        # Back to the configured name, so that a second scratch database is made beside it too.
        connection.creation.destroy_test_db(configured, verbosity=0)


def editor() -> User:
    user = User.objects.create_user("bench-editor", password=secrets.token_urlsafe())
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(db: dict, *, workers: int = 2, access_log: Path | None = None):
    """``access_log``: where gunicorn writes a line per request, "%(D)s %(U)s" (microseconds, path)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; a proxy terminates TLS in production
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    command = [str(Path(sys.executable).parent / "gunicorn"), "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    if access_log is not None:
        command += ["--access-logfile", str(access_log), "--access-logformat", "%(D)s %(U)s"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@contextlib.contextmanager
def worker(db: dict, *, interval: float | None = None):
    """One `manage.py db_worker`, as `make run` starts it, on the scratch database (polling every
    ``interval`` seconds rather than the default second, if given)."""
    env = {**os.environ, "DATABASE_URL": database_url(db), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    command = [sys.executable, "manage.py", "db_worker"] + (["--interval", str(interval)] if interval else [])
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)
