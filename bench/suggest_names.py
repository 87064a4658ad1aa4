#!/usr/bin/env python
"""Quality of the new-name recogniser on NerKor news with an empty catalogue (../shared/corpora/nerkor).

    .venv/bin/python bench/suggest_names.py [--split devel|train] [--runs 20] [--show N]

Reads each seed file as the importer does (bench/suggest_quality.py's loader), runs
suggestions.names.NewNames on its body with no catalogue at all, and prints (b): precision and
recall of exact spans (a suggestion is right when its start and end are a gold span's, whatever
its kind), how often the kind is right among those (PER person, ORG organisation, LOC place, MISC
other), per gold kind, and how often the proposed base form equals the gold `name` (the tokens'
lemmas). Then the time to find the new names of one 4 KB article (bench/suggest_speed.py's), p50
over several runs. Devel gives the figure; the model was trained on NerKor's train split (which
this script can score too, as a check that it learned it); the test split is never used.
"""

import argparse
import statistics
import time
from collections import Counter

from suggest_quality import KINDS, load
from suggest_speed import article

from suggestions.names import NewNames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["devel", "train"], default="devel")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--show", type=int, default=0, help="print this many misses, wrong spans and base forms")
    options = parser.parse_args()

    started = time.perf_counter()
    recogniser = NewNames()
    loading = time.perf_counter() - started
    documents = load(options.split)
    gold_n, found_n, right_n, kind_right_n, base_right_n = Counter(), 0, Counter(), Counter(), 0
    misses, wrongs, bases = [], [], []
    for body, gold_spans in documents:
        gold = {(span["start"], span["end"]): span for span in gold_spans}
        found = recogniser.suggest(body)
        found_n += len(found)
        right = set()
        for suggestion in found:
            span = gold.get((suggestion.start, suggestion.end))
            if span is None:
                context = body[max(0, suggestion.start - 30) : suggestion.end + 30].replace("\n", " ")
                wrongs.append(f"{suggestion.text!r} ({suggestion.entity_kind})  …{context}…")
                continue
            right.add((suggestion.start, suggestion.end))
            right_n[span["type"]] += 1
            kind_right_n[span["type"]] += KINDS[span["type"]] == suggestion.entity_kind
            if suggestion.entity == span["name"]:
                base_right_n += 1
            else:
                bases.append(f"{span['text']!r} → {suggestion.entity!r}, gold {span['name']!r}")
        for key, span in gold.items():
            gold_n[span["type"]] += 1
            if key not in right:
                misses.append(f"{span['text']!r} ({span['type']})")

    right, gold_all = sum(right_n.values()), sum(gold_n.values())
    print(f"NerKor news {options.split}: {len(documents)} files, {gold_all} gold names, empty catalogue, "
          f"{found_n} new-name suggestions (model loaded in {loading:.2f} s)")  # fmt: skip
    print(f"(b) new names, exact span: precision {right / max(found_n, 1):.3f}, recall {right / max(gold_all, 1):.3f}; "
          f"kind right {sum(kind_right_n.values()) / max(right, 1):.1%} of the spans found; "
          f"base form right {base_right_n / max(right, 1):.1%} ({base_right_n}/{right})")  # fmt: skip
    for kind in KINDS:
        print(f"    {kind:4}  recall {right_n[kind] / max(gold_n[kind], 1):.3f} ({right_n[kind]}/{gold_n[kind]}), "
              f"kind right {kind_right_n[kind] / max(right_n[kind], 1):.1%}")  # fmt: skip

    body = article()
    times = []
    for _ in range(options.runs):
        started = time.perf_counter()
        recogniser.suggest(body)
        times.append(time.perf_counter() - started)
    print(f"new names of a 4 KB article ({len(body.encode())} bytes), {options.runs} runs: "
          f"p50 {statistics.median(times) * 1000:.2f} ms")  # fmt: skip
    if options.show:
        print("\nmissed:", *misses[: options.show], sep="\n  ")
        print("\nwrong span:", *wrongs[: options.show], sep="\n  ")
        print("\nwrong base form:", *bases[: options.show], sep="\n  ")


if __name__ == "__main__":
    main()
