#!/usr/bin/env python
"""Import benchmark: 10,000 generated seed files into an empty database, then again.

    .venv/bin/python bench/import_seeds.py [--files 10000] [--corpus DIR]

Generates the corpus with ../shared/bench/make_corpus.py (unless --corpus names one), creates a
fresh database beside the configured one (DATABASE_URL, or the embedded PostgreSQL), migrates
it, and times import_seed_files() as `manage.py import_seeds` runs it: reading the files,
decoding, normalising, hashing, storing, full-text indexing, committing. Prints files per
second for the first import and for the re-import (all duplicates), then drops the database.
"""

import argparse
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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        corpus = args.corpus or Path(scratch, "corpus")
        if not args.corpus:
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), str(args.files)], check=True)
        run(corpus)


def run(corpus: Path) -> None:
    import served

    from articles.models import Article
    from imports.importing import import_seed_files, sources_from_paths

    with served.scratch_database() as db:
        sources = list(sources_from_paths([corpus]))
        size = sum(Path(source.name).stat().st_size for source in sources)
        print(f"corpus: {len(sources)} files, {size / 1024 / 1024:.1f} MB, database: {db['NAME']}")
        for label in ("first import", "re-import"):
            started = time.perf_counter()
            report = import_seed_files(sources)
            elapsed = time.perf_counter() - started
            print(
                f"{label}: {len(sources) / elapsed:,.0f} files/s ({elapsed:.2f} s; "
                f"{report.imported} imported, {report.duplicates} duplicates, {report.errors} errors)"
            )
        print(f"articles in the database: {Article.objects.count()}")


if __name__ == "__main__":
    main()
