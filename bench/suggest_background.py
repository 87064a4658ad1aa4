#!/usr/bin/env python
"""Suggesting in the background after an import: 10,000 articles, two workers.

    .venv/bin/python bench/suggest_background.py [--files 10000] [--entities 10000] [--workers 2]

Fills a scratch database (beside the configured one) with the catalogue of bench/suggest_speed.py
(10,000 entities: NerKor's gold names and generated ones), imports 10,000 seed files from
../shared/bench/make_corpus.py with import_seed_files() as `manage.py import_seeds` does, which
queues one after-import step per group of files it stores (the search index, then the
suggestions: imports.tasks.after_import). Then starts two workers (`manage.py db_worker --batch`,
which work through the queue and exit) and prints:

- the import's files per second, queueing included (README: the import stays ≥ 3,000 files/s);
- the workers' wall time from start to exit, the articles suggested for per second (target
  ≥ 100 with two workers), and how many suggestions were stored. The workers' start (Django, the
  catalogue compiled, the name model loaded) is inside that time.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import served  # sets up Django against a scratch database
from suggest_speed import catalogue

from articles.models import Article
from entities.models import Entity
from imports.importing import import_seed_files, sources_from_paths
from newsroom.database import database_url
from suggestions.models import Suggestion

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch, served.scratch_database() as db:
        corpus = Path(scratch, "corpus")
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), str(options.files)], check=True)
        Entity.objects.bulk_create(catalogue(options.entities), batch_size=2000)
        print(f"catalogue: {Entity.objects.count()} entities, database {db['NAME']}")

        sources = list(sources_from_paths([corpus]))
        started = time.perf_counter()
        report = import_seed_files(sources)
        elapsed = time.perf_counter() - started
        print(
            f"import, steps queued: {len(sources) / elapsed:,.0f} files/s ({elapsed:.2f} s, {report.imported} imported)"
        )

        env = {**os.environ, "DATABASE_URL": database_url(db), "DEBUG": "0", "LOG_LEVEL": "WARNING"}
        command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
        started = time.perf_counter()
        workers = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(options.workers)]
        if any(worker.wait() for worker in workers):
            sys.exit("a worker failed")
        elapsed = time.perf_counter() - started

        suggested = Suggestion.objects.values("article_id").distinct().count()
        print(
            f"{options.workers} workers: {report.imported / elapsed:,.0f} articles/s suggested for "
            f"({elapsed:.2f} s for {report.imported} articles; {suggested} have suggestions, "
            f"{Suggestion.objects.count():,} suggestions; "
            f"{Article.objects.filter(search_vector__isnull=True).count()} articles left unindexed)"
        )


if __name__ == "__main__":
    main()
