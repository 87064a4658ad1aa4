#!/usr/bin/env python
"""Exporting annotations at scale: 100,000 annotations over 10,000 articles, as CSV, JSON Lines and
ClaimReview (a quarter of them are claims, some six in seven of those reviewed) and W3C Web Annotation
JSON-LD; and importing 10,000 of them back.

    .venv/bin/python bench/export.py

Fills a scratch database as bench/memory.py does, then runs `manage.py export_annotations` in a
process of its own for each format, for 10,000 and for 100,000 annotations, and prints the time
and the process's peak memory: the export streams, so memory must not grow with the count.
Then downloads from the download menus' URLs, served by one gunicorn worker, smallest first: the
time to the last byte and the worker's peak memory after each (a high-water mark since it started,
so it grows with a download only if that download needs more memory than the ones before).
Last, deletes the annotations of the first thousand articles and imports them back with
`manage.py import_annotations` from the W3C and the JSON Lines export, twice each (the second time
they are all present).
"""

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import memory
import served

from newsroom.database import database_url


def run(db: dict, *arguments: str) -> tuple[float, float]:
    """Seconds and peak resident memory in MB of one manage.py command in its own process."""
    env = {**os.environ, "DATABASE_URL": database_url(db), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "manage.py", *arguments], cwd=served.ROOT, env=env,
                             stdout=subprocess.DEVNULL)  # fmt: skip
    peak_kb = 0
    # The high-water mark of the child's own memory (VmHWM starts anew at exec; rusage's
    # maxrss would count this process's memory, copied at fork). Read until it exits.
    while child.poll() is None:
        with contextlib.suppress(OSError, IndexError):  # gone, or a zombie without memory
            status = Path(f"/proc/{child.pid}/status").read_text()
            peak_kb = max(peak_kb, int(status.split("VmHWM:")[1].split()[0]))
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    assert child.returncode == 0, child.returncode
    return elapsed, peak_kb / 1024


def export(db: dict, fmt: str, articles: list[int] | None, target: Path) -> tuple[float, float, int]:
    """Seconds, peak resident memory in MB, and bytes written, of one export in its own process."""
    arguments = ["export_annotations", "--format", fmt, "--output", str(target)]
    for pk in articles or []:
        arguments += ["--article", str(pk)]
    seconds, megabytes = run(db, *arguments)
    return seconds, megabytes, target.stat().st_size


DOWNLOADS = [
    ("claims desk, false, claimreview", "/claims/download/?verdict=false&format=claimreview"),
    ("claims desk, csv", "/claims/download/?format=csv"),
    ("quotes desk, jsonl", "/quotes/download/?format=jsonl"),
    *((f"article list, {fmt}", f"/articles/download/?format={fmt}") for fmt in ("csv", "jsonl", "claimreview", "w3c")),
]


def download(base: str, cookie: str, path: str) -> tuple[float, int]:
    """Seconds to the last byte of one download, and its bytes."""
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = connection.getresponse()
    assert response.status == 200, (path, response.status)
    size = 0
    while piece := response.read(1 << 16):
        size += len(piece)
    connection.close()
    return time.perf_counter() - started, size


def worker_peak_mb(base: str) -> float:
    """The peak resident memory of the gunicorn worker serving ``base`` (the child of its master)."""
    bind = f"127.0.0.1:{urlsplit(base).port}"
    gunicorns = {}
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc.name.isdigit() and bind in (proc / "cmdline").read_text():
                status = (proc / "status").read_text()
                parent = int(status.split("PPid:")[1].split()[0])
                gunicorns[int(proc.name)] = (parent, int(status.split("VmHWM:")[1].split()[0]))
    (peak,) = [peak for parent, peak in gunicorns.values() if parent in gunicorns]
    return peak / 1024


def main() -> None:
    with served.scratch_database() as db, tempfile.TemporaryDirectory() as scratch:
        _, author = memory.fill(articles=10_000, entities=10_000, annotations=100_000, hot=2_000)
        from django.contrib.auth.models import Group, User

        from annotations.models import Annotation
        from articles.models import Article

        first_thousand = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:1000])
        for fmt in ("csv", "jsonl", "claimreview", "w3c"):
            for label, articles in (("10,000 annotations", first_thousand), ("100,000 annotations", None)):
                target = Path(scratch) / f"{len(articles or [])}.{fmt}"
                seconds, megabytes, size = export(db, fmt, articles, target)
                print(f"{fmt}, {label}: {seconds:.1f} s, peak {megabytes:.0f} MB, {size / 2**20:.0f} MiB written")
        cookie = served.session_cookie(author)
        with served.gunicorn(db, workers=1) as base:
            for label, path in DOWNLOADS:
                seconds, size = download(base, cookie, path)
                peak = worker_peak_mb(base)
                print(f"download, {label}: {seconds:.1f} s, {size / 2**20:.0f} MiB, worker peak so far {peak:.0f} MB")

        # Importing back the 10,000 of the first thousand articles, gone meanwhile: what a file of that
        # size costs the Import annotations page or the command. Then again: all already present.
        User.objects.create_user("bench-admin").groups.add(Group.objects.get(name="Admins"))
        Annotation.objects.filter(article__in=first_thousand).delete()
        for fmt in ("w3c", "jsonl"):
            for attempt in ("into the emptied articles", "again, all present"):
                seconds, megabytes = run(db, "import_annotations", str(Path(scratch) / f"1000.{fmt}"), "--as",
                                         "bench-admin")  # fmt: skip
                print(f"import {fmt}, 10,000 annotations {attempt}: {seconds:.1f} s, peak {megabytes:.0f} MB")
            Annotation.objects.filter(article__in=first_thousand).delete()


if __name__ == "__main__":
    main()
