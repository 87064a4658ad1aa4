#!/usr/bin/env python
"""Import benchmark: 10,000 generated seed files into an empty database, then again.

    .venv/bin/python bench/import_seeds.py [--files 10000] [--corpus DIR] [--runs 3] [--worker]

Generates the corpus with ../shared/bench/make_corpus.py (unless --corpus names one), creates a
fresh database beside the configured one (DATABASE_URL, or the embedded PostgreSQL), migrates
it, and times import_seed_files() as `manage.py import_seeds` runs it: reading the files,
decoding, normalising, hashing, storing, committing. The search index is computed after that
(articles.indexing), so each run prints two figures for the first import:

- stored: files per second until import_seed_files() returns (every article committed);
- searchable: files per second until every one of them is in the search index too, the index
  filled here right after the import, as `manage.py import_seeds` does (no worker running);

and the re-import's (all duplicates). With --worker, a `manage.py db_worker` runs beside the
import (as `make run` starts it) and fills the index from the tasks each group of files enqueues;
then the figures are the import's files per second with the worker competing for the cores, and
the lag: seconds from the import's end until search finds every article. Medians of --runs runs,
each on a fresh database.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, help="an existing corpus directory to import instead")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help="index in a db_worker beside the import")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        corpus = args.corpus or Path(scratch, "corpus")
        if not args.corpus:
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), str(args.files)], check=True)
        figures = [run(corpus, with_worker=args.worker) for _ in range(args.runs)]
    print(f"medians of {len(figures)} runs:")
    for name in figures[0]:
        unit = "s" if name.endswith("lag") else "files/s"
        print(f"  {name}: {statistics.median(f[name] for f in figures):,.{2 if unit == 's' else 0}f} {unit}")


def run(corpus: Path, *, with_worker: bool) -> dict[str, float]:
    import served

    from articles.indexing import fill_search_index, unindexed_count
    from articles.models import Article
    from imports.importing import import_seed_files, sources_from_paths

    with served.scratch_database() as db:
        sources = list(sources_from_paths([corpus]))
        size = sum(Path(source.name).stat().st_size for source in sources)
        print(f"corpus: {len(sources)} files, {size / 1024 / 1024:.1f} MB, database: {db['NAME']}")
        figures = {}
        worker = served.worker(db, interval=0.1) if with_worker else None
        if worker:
            worker.__enter__()
            time.sleep(3)  # started and polling
        try:
            started = time.perf_counter()
            report = import_seed_files(sources)
            stored = time.perf_counter() - started
            if worker:
                while unindexed_count():
                    time.sleep(0.05)
            else:
                fill_search_index()
            searchable = time.perf_counter() - started
        finally:
            if worker:
                worker.__exit__(None, None, None)
        assert not unindexed_count()
        figures["first import, stored"] = len(sources) / stored
        figures["first import, searchable"] = len(sources) / searchable
        figures["index lag"] = searchable - stored
        print(
            f"first import: {figures['first import, stored']:,.0f} files/s stored ({stored:.2f} s; "
            f"{report.imported} imported, {report.duplicates} duplicates, {report.errors} errors), "
            f"{figures['first import, searchable']:,.0f} files/s searchable ({searchable:.2f} s: all searchable "
            f"{searchable - stored:.2f} s after the import ended, "
            f"{'by the worker' if worker else 'indexed here right after'})"
        )
        started = time.perf_counter()
        report = import_seed_files(sources)
        elapsed = time.perf_counter() - started
        figures["re-import"] = len(sources) / elapsed
        print(
            f"re-import: {figures['re-import']:,.0f} files/s ({elapsed:.2f} s; "
            f"{report.imported} imported, {report.duplicates} duplicates, {report.errors} errors)"
        )
        print(f"articles in the database: {Article.objects.count()}")
        return figures


if __name__ == "__main__":
    main()
