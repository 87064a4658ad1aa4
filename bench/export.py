#!/usr/bin/env python
"""Exporting annotations at scale: 100,000 annotations over 10,000 articles, as CSV, JSON Lines and
W3C Web Annotation JSON-LD.

    .venv/bin/python bench/export.py

Fills a scratch database as bench/memory.py does, then runs `manage.py export_annotations` in a
process of its own for each format, for 10,000 and for 100,000 annotations, and prints the time
and the process's peak memory: the export streams, so memory must not grow with the count.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    with served.scratch_database() as db:
        memory.fill(articles=10_000, entities=10_000, annotations=100_000, hot=2_000)
        from articles.models import Article

        first_thousand = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:1000])
        for fmt in ("csv", "jsonl", "w3c"):
            for label, articles in (("10,000 annotations", first_thousand), ("100,000 annotations", None)):
                seconds, megabytes, size = export(db, fmt, articles)
                print(f"{fmt}, {label}: {seconds:.1f} s, peak {megabytes:.0f} MB, {size / 2**20:.0f} MiB written")


if __name__ == "__main__":
    main()
