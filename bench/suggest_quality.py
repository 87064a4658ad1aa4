#!/usr/bin/env python
"""Quality of the mention recogniser on NerKor news (../shared/corpora/nerkor, CC-BY-SA 4.0).

    .venv/bin/python bench/suggest_quality.py [--split devel|train]

Builds a catalogue in memory from the gold spans' base-form names (one entity per name, with the
kind its spans have most often; no aliases), reads each seed file as the importer does, runs the
recogniser, and prints precision and recall: a suggestion is right when its span is exactly a
gold span and its entity is that span's name. Per kind too: precision by the kind of the entity
suggested, recall by the gold span's kind (PER ORG LOC MISC).
Devel gives the figure; train is for tuning. NerKor's test split is never used.
"""

import argparse
import json
import os
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from imports.seedfile import HEADER, parse_seed_file  # noqa: E402
from suggestions.recognisers import CatalogueEntry, CatalogueMentions  # noqa: E402

NERKOR = ROOT.parent / "shared" / "corpora" / "nerkor"
KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other"}


def load(split: str) -> list[tuple[str, list[dict]]]:
    """(body, gold spans) per file of the split, the body as the importer stores it."""
    folder = NERKOR / f"news-{split}"
    documents = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        raw = (folder / "files" / gold["file"]).read_bytes()
        body = parse_seed_file(raw, max_bytes=10 * 1024 * 1024).body
        # A few files are not in NFC, and their gold offsets count the decomposed letters: moved
        # to the body as stored (NFC), where the suggestions' offsets point.
        text = raw.decode("utf-8")
        unnormalised = text[HEADER.match(text).end() :].strip()
        spans = []
        for span in gold["entities"]:
            start = len(unicodedata.normalize("NFC", unnormalised[: span["start"]]))
            end = len(unicodedata.normalize("NFC", unnormalised[: span["end"]]))
            text_as_stored = unicodedata.normalize("NFC", span["text"])
            assert body[start:end] == text_as_stored, (gold["file"], span)
            spans.append({**span, "start": start, "end": end, "text": text_as_stored})
        documents.append((body, spans))
    return documents


def catalogue(documents: list[tuple[str, list[dict]]]) -> list[CatalogueEntry]:
    kinds: dict[str, Counter] = {}
    for _, spans in documents:
        for span in spans:
            kinds.setdefault(span["name"], Counter())[span["type"]] += 1
    return [
        CatalogueEntry(id=number, name=name, kind=KINDS[counts.most_common(1)[0][0]])
        for number, (name, counts) in enumerate(sorted(kinds.items()), start=1)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["devel", "train"], default="devel")
    parser.add_argument("--show", type=int, default=0, help="print this many misses and wrong suggestions")
    options = parser.parse_args()

    documents = load(options.split)
    recogniser = CatalogueMentions(catalogue(documents))
    gold_total, found_total, right_total = Counter(), 0, Counter()
    suggested, suggested_right = Counter(), Counter()  # by the kind of the entity suggested
    misses, wrongs = [], []
    for body, spans in documents:
        gold = {(span["start"], span["end"]): span for span in spans}
        suggestions = recogniser.suggest(body)
        found_total += len(suggestions)
        for span in spans:
            gold_total[span["type"]] += 1
        right = set()
        for suggestion in suggestions:
            span = gold.get((suggestion.start, suggestion.end))
            suggested[suggestion.entity_kind] += 1
            if span and span["name"] == suggestion.entity:
                suggested_right[suggestion.entity_kind] += 1
                right_total[span["type"]] += 1
                right.add((suggestion.start, suggestion.end))
            else:
                context = body[max(0, suggestion.start - 30) : suggestion.end + 30].replace("\n", " ")
                wrongs.append(f"{suggestion.text!r} → {suggestion.entity} [{suggestion.rule}]  …{context}…")
        misses += [f"{s['text']!r} ({s['name']}, {s['type']})" for k, s in gold.items() if k not in right]

    right_all, gold_all = sum(right_total.values()), sum(gold_total.values())
    print(f"NerKor news {options.split}: {len(documents)} files, {gold_all} gold mentions, "
          f"{len(recogniser.entries)} catalogued names, {found_total} suggestions")  # fmt: skip
    print(f"(a) catalogued mentions: precision {right_all / max(found_total, 1):.3f}, "
          f"recall {right_all / max(gold_all, 1):.3f}")  # fmt: skip
    for kind, entity_kind in KINDS.items():
        right, found = suggested_right[entity_kind], suggested[entity_kind]
        recalled, gold_kind = right_total[kind], gold_total[kind]
        print(f"    {kind:4}  precision {right / max(found, 1):.3f} ({right}/{found}), "
              f"recall {recalled / max(gold_kind, 1):.3f} ({recalled}/{gold_kind})")  # fmt: skip
    if options.show:
        print("\nmissed:", *misses[: options.show], sep="\n  ")
        print("\nwrong:", *wrongs[: options.show], sep="\n  ")


if __name__ == "__main__":
    main()
