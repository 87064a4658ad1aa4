#!/usr/bin/env python
"""Exporting annotations at scale: 100,000 annotations over 10,000 articles, as CSV, JSON Lines and
ClaimReview (a quarter of them are claims, some six in seven of those reviewed).

    .venv/bin/python bench/export.py

Fills a scratch database as bench/memory.py does, then runs `manage.py export_annotations` in a
process of its own for each format, for 10,000 and for 100,000 annotations, and prints the time
and the process's peak memory: the export streams, so memory must not grow with the count.
Then downloads from the download menus' URLs, served by one gunicorn worker, smallest first: the
time to the last byte and the worker's peak memory after each (a high-water mark since it started,
so it grows with a download only if that download needs more memory than the ones before).
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


def export(db: dict, fmt: str, articles: list[int] | None) -> tuple[float, float, int]:
    """Seconds, peak resident memory in MB, and bytes written, of one export in its own process."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / f"out.{fmt}"
        command = [sys.executable, "manage.py", "export_annotations", "--format", fmt, "--output", str(target)]
        for pk in articles or []:
            command += ["--article", str(pk)]
        env = {**os.environ, "DATABASE_URL": database_url(db), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1"}
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=served.ROOT, env=env)
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
        return elapsed, peak_kb / 1024, target.stat().st_size


DOWNLOADS = [
    ("claims desk, false, claimreview", "/claims/download/?verdict=false&format=claimreview"),
    ("claims desk, csv", "/claims/download/?format=csv"),
    ("quotes desk, jsonl", "/quotes/download/?format=jsonl"),
    *((f"article list, {fmt}", f"/articles/download/?format={fmt}") for fmt in ("csv", "jsonl", "claimreview")),
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
    with served.scratch_database() as db:
        _, author = memory.fill(articles=10_000, entities=10_000, annotations=100_000, hot=2_000)
        from articles.models import Article

        first_thousand = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:1000])
        for fmt in ("csv", "jsonl", "claimreview"):
            for label, articles in (("10,000 annotations", first_thousand), ("100,000 annotations", None)):
                seconds, megabytes, size = export(db, fmt, articles)
                print(f"{fmt}, {label}: {seconds:.1f} s, peak {megabytes:.0f} MB, {size / 2**20:.0f} MiB written")
        cookie = served.session_cookie(author)
        with served.gunicorn(db, workers=1) as base:
            for label, path in DOWNLOADS:
                seconds, size = download(base, cookie, path)
                peak = worker_peak_mb(base)
                print(f"download, {label}: {seconds:.1f} s, {size / 2**20:.0f} MiB, worker peak so far {peak:.0f} MB")


if __name__ == "__main__":
    main()
