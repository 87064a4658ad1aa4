"""The new-name recogniser's kind table (suggestions/names.py, KindTable) from NYTK-NerKor's train split.

    .venv/bin/python -m suggestions.train_kinds [--nerkor DIR] [--out DIR] [--holdout K]

Counts the kinds of NerKor train's gold names (every genre), keyed as the recogniser keys them
(suggestions.names.name_key: base forms by the committed lemmatiser, lower case): whole names, and
the head words (last words) of names of two words or more. A whole name is kept when at least
NAME_PURITY of its occurrences have one kind; a head word when it ends at least HEAD_MIN_COUNT
names and HEAD_PURITY of them have one kind. Writes suggestions/models/names-kinds.json; the CRF is
not retrained (`make train-names` runs this after it). With --holdout K the table is built without
every K-th news file and the kinds of the CRF's exact spans in those files are scored: the CRF's
first token, the summed marginals, and the table over them. (The committed CRF was trained on all of
train, the held-out files included, so its own kinds score high there: the table's gain is
understated.) NerKor's devel split gives the reported figure (bench/suggest_names.py); its test split
is never used.
"""

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from suggestions.names import KIND_TABLE, LEMMAS, MODEL, KindTable, Lemmatiser, NewNames, name_key, spans
from suggestions.train_names import NERKOR, examples, train_files

NAME_PURITY = 1.0
HEAD_MIN_COUNT = 3
HEAD_PURITY = 0.9
AFTER_MIN_COUNT = 5  # the word after a name ('szóvivője' → ORG, 'polgármestere' → LOC), for names the rest misses
AFTER_PURITY = 0.9
MIN_COMPOUND = 4  # a compound head's known ending is at least this long ('bank', 'párt', 'kupa')


def kept(counts: dict[str, Counter], min_count: int, purity: float) -> dict[str, str]:
    """Each key seen at least ``min_count`` times with its most frequent kind, where that kind has at least
    ``purity`` of them."""
    table = {}
    for key, kinds in counts.items():
        kind, n = kinds.most_common(1)[0]
        if key and kinds.total() >= min_count and n / kinds.total() >= purity:
            table[key] = kind
    return dict(sorted(table.items()))


def build(sentences, lemmatise, name_purity=NAME_PURITY, head_min=HEAD_MIN_COUNT, head_purity=HEAD_PURITY) -> dict:
    names: dict[str, Counter] = defaultdict(Counter)
    heads: dict[str, Counter] = defaultdict(Counter)
    after: dict[str, Counter] = defaultdict(Counter)
    for words, labels in sentences:
        for first, last, kind in spans(labels):
            name, head = name_key(words[first:last], lemmatise)
            names[name][kind] += 1
            if " " in name:
                heads[head][kind] += 1
            if last < len(words) and words[last][:1].islower():
                after[words[last].lower()][kind] += 1
    return {
        "names": kept(names, 1, name_purity),
        "heads": kept(heads, head_min, head_purity),
        "after": kept(after, AFTER_MIN_COUNT, AFTER_PURITY),
        "min_compound": MIN_COMPOUND,
    }


def score(recogniser: NewNames, held: list) -> str:
    from suggestions.names import sequence_features

    right, fired, fired_right = Counter(), Counter(), Counter()
    n = 0
    for words, gold_labels in held:
        gold = {(a, b): k for a, b, k in spans(gold_labels)}
        labels = recogniser.tagger.tag(sequence_features(words, recogniser.lemmatise, recogniser.known))
        for first, last, kind in spans(labels):
            if (first, last) not in gold:
                continue
            n += 1
            truth = gold[first, last]
            right["first token"] += kind == truth
            right["summed marginals"] += recogniser.kind_of(words, first, last, table=False) == truth
            right["table, then summed marginals"] += recogniser.kind_of(words, first, last) == truth
            name, head = name_key(words[first:last], recogniser.lemmatise)
            after = words[last] if last < len(words) and words[last][:1].islower() else ""
            said = recogniser.kinds(name, head, after.lower())
            if said is not None:
                fired[" " in name] += 1
                fired_right[" " in name] += said == truth
    table = ", ".join(
        f"{what}: the table speaks for {fired[many]}, right {fired_right[many] / max(fired[many], 1):.1%}"
        for many, what in ((False, "one word"), (True, "several"))
    )
    return ", ".join(f"{how} {k / max(n, 1):.1%}" for how, k in right.items()) + f" (of {n} exact spans); {table}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nerkor", type=Path, default=NERKOR)
    parser.add_argument("--out", type=Path, default=KIND_TABLE.parent)
    parser.add_argument("--holdout", type=int, default=0, help="build without every K-th news file and score it")
    parser.add_argument("--name-purity", type=float, default=NAME_PURITY)
    parser.add_argument("--head-min", type=int, default=HEAD_MIN_COUNT)
    parser.add_argument("--head-purity", type=float, default=HEAD_PURITY)
    options = parser.parse_args()

    files, held_files = train_files(options.nerkor, options.holdout)
    counts: Counter = Counter()
    kept_sentences, held = [], []
    for path in files:
        for words, labels, _ in examples(path, counts):
            (held if path in held_files else kept_sentences).append((words, labels))
    lemmatise = Lemmatiser.load(options.out / LEMMAS.name)
    table = build(kept_sentences, lemmatise, options.name_purity, options.head_min, options.head_purity)
    print(f"{len(kept_sentences)} sentences: {len(table['names'])} names, {len(table['heads'])} head words kept")
    if held:
        recogniser = NewNames(options.out / MODEL.name, options.out / LEMMAS.name)
        recogniser.kinds = KindTable(table)
        print(f"held-out news ({len(held)} sentences):", score(recogniser, held))
        return  # a table built without the held-out files is not the one to commit
    path = options.out / KIND_TABLE.name
    path.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"written {path}")


if __name__ == "__main__":
    main()
