#!/usr/bin/env python
"""Articles per second that suggestions.services.suggest_for_articles() suggests for and stores.

    .venv/bin/python bench/suggest_store.py [--articles 2000] [--entities 10000] [--runs 3]

Fills a scratch database (beside the configured one) with the catalogue of bench/suggest_speed.py
(10,000 entities) and ``--articles`` articles of about 4 KB of NerKor news devel text each (the
same paragraphs in a different order per article, so that the names recur as in real news).
Then, ``--runs`` times each, with the stored suggestions deleted before each run: one worker
suggesting for all of them, and two worker processes taking half each (as two background
workers after an import would). Prints the median articles per second and suggestions stored.
The catalogue is compiled in each process before the clock starts, as a running worker has it.
"""

import argparse
import multiprocessing
import random
import statistics
import time

import served  # sets up Django against a scratch database
from suggest_quality import load
from suggest_speed import catalogue

from articles.models import Article
from entities.models import Entity
from suggestions import services, suggesting
from suggestions.models import Suggestion


def bodies(count: int) -> list[str]:
    paragraphs = [body for body, _ in load("devel")]
    chooser = random.Random(9)
    made = []
    for _ in range(count):
        chosen, size = [], 0
        while size < 4096:
            paragraph = chooser.choice(paragraphs)
            chosen.append(paragraph)
            size += len(paragraph.encode())
        made.append("\n\n".join(chosen))
    return made


def _work(ids: list[int], ready, start) -> None:
    from django.db import connections

    connections.close_all()  # a connection of its own, not the parent's
    suggesting.catalogue_mentions()
    ready.release()
    start.wait()
    services.suggest_for_articles(ids)
    connections.close_all()


def timed(ids: list[int], workers: int) -> float:
    """Seconds for ``workers`` processes to suggest for ``ids`` (split evenly), from a common start."""
    from django.db import connections

    Suggestion.objects.all().delete()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    ready, start = context.Semaphore(0), context.Event()
    processes = [context.Process(target=_work, args=(ids[index::workers], ready, start)) for index in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    started = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a worker failed (exit code {process.exitcode})")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    with served.scratch_database() as db:
        Entity.objects.bulk_create(catalogue(options.entities), batch_size=2000)
        articles = [
            Article(
                title=f"Bench {number}",
                body=body,
                published_on="2025-06-01",
                date_precision="day",
                source_filename=f"bench-{number}.txt",
                content_sha256=f"{number:064x}",
            )
            for number, body in enumerate(bodies(options.articles))
        ]
        ids = [article.pk for article in Article.objects.bulk_create(articles, batch_size=500)]
        print(f"{len(ids)} articles of about 4 KB, {Entity.objects.count()} entities, database {db['NAME']}")
        # The recognisers alone, in this process, for comparison: what storing adds is the rest.
        texts = list(Article.objects.filter(pk__in=ids).values_list("body", flat=True))
        in_use = suggesting.recognisers()
        started = time.perf_counter()
        for text in texts:
            [suggested for recogniser in in_use for suggested in recogniser.suggest(text)]
        print(f"the recognisers alone, 1 process: {len(texts) / (time.perf_counter() - started):.0f} articles/s")
        for workers in (1, 2):
            rates = []
            for _ in range(options.runs):
                rates.append(len(ids) / timed(ids, workers))
            stored = Suggestion.objects.count()
            print(
                f"{workers} worker{'s' if workers > 1 else ''}: median {statistics.median(rates):.0f} articles/s "
                f"(runs: {', '.join(f'{rate:.0f}' for rate in rates)}), {stored} suggestions stored "
                f"({stored / len(ids):.1f} per article)"
            )


if __name__ == "__main__":
    main()
