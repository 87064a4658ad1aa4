#!/usr/bin/env python
"""Speed of suggesting for one 4 KB article with 10,000 entities in the catalogue.

    .venv/bin/python bench/suggest_speed.py [--entities 10000] [--runs 500]

Fills a scratch database (beside the configured one) with a catalogue of 10,000 entities: every
name of NerKor's news train and devel gold spans (../shared/corpora/nerkor, CC-BY-SA 4.0), the
rest generated Hungarian people, organisations, places and events with aliases (as
bench/import_entities.py makes them). The article is 4 KB of NerKor news devel text, where many
of those names occur. Prints the time to compile the catalogue (once per catalogue version), then
p50/p95 over many runs of suggesting for the article as `manage.py suggest` does (the catalogue's
version checked with one query, then the scan, the new names and quotes and sources), and of the
catalogue's scan alone and the new-name recogniser alone.
"""

import argparse
import statistics
import time

import served  # sets up Django against a scratch database
from import_entities import make_catalogue
from suggest_quality import KINDS, load

from entities.models import Entity
from entities.spelling import spelling_keys
from suggestions import suggesting
from suggestions.names import new_names

ARTICLE_BYTES = 4096


def article() -> str:
    """4 KB of NerKor news devel text, up to the end of the sentence where the 4,096th byte is."""
    text = "\n\n".join(body for body, _ in load("devel")[:4])
    four_kb = len(text.encode()[:ARTICLE_BYTES].decode(errors="ignore"))
    return text[: text.index(". ", four_kb) + 1]


def catalogue(count: int) -> list[Entity]:
    names: dict[str, str] = {}
    for split in ("train", "devel"):
        for _, spans in load(split):
            for span in spans:
                names.setdefault(span["name"].casefold(), (span["name"], KINDS[span["type"]]))
    entities = [Entity(name=name, kind=kind) for name, kind in names.values()]
    taken = set(names)
    for entry in make_catalogue(count):
        if len(entities) >= count:
            break
        if entry["name"].casefold() not in taken:
            taken.add(entry["name"].casefold())
            entities.append(Entity(name=entry["name"], kind=entry["kind"], aliases=entry["aliases"]))
    for entity in entities:
        entity.spelling_keys = spelling_keys(entity.name, entity.aliases)
    return entities


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(len(times) * 0.95))]
    return f"p50 {statistics.median(times) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=500)
    options = parser.parse_args()

    body = article()
    with served.scratch_database() as db:
        Entity.objects.bulk_create(catalogue(options.entities), batch_size=2000)
        aliases = sum(len(aliases) for aliases in Entity.objects.values_list("aliases", flat=True))
        print(f"catalogue: {Entity.objects.count()} entities ({aliases} aliases), database {db['NAME']}")
        print(f"article: {len(body.encode())} bytes, {len(body)} characters")

        started = time.perf_counter()
        recogniser = suggesting.catalogue_mentions()
        print(f"compiling the catalogue (once per catalogue version): {time.perf_counter() - started:.2f} s")
        print(f"suggestions for the article: {len(suggesting.suggest(body))}")

        names = new_names()
        full, scan, crf = [], [], []
        for _ in range(options.runs):
            started = time.perf_counter()
            suggesting.suggest(body)
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            recogniser.suggest(body)
            scan.append(time.perf_counter() - started)
            started = time.perf_counter()
            names.suggest(body)
            crf.append(time.perf_counter() - started)
        print(f"suggesting, catalogue version checked ({options.runs} runs): {percentiles(full)}")
        print(f"the scan alone ({options.runs} runs): {percentiles(scan)}")
        print(f"the new names alone, the CRF ({options.runs} runs): {percentiles(crf)}")


if __name__ == "__main__":
    main()
