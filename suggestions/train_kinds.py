"""The new-name recogniser's kind table and kind classifier (suggestions/names.py, KindTable and KindClassifier)
from NYTK-NerKor's train split.

    .venv/bin/python -m suggestions.train_kinds [--nerkor DIR] [--out DIR] [--holdout K] [--c1 X] [--c2 X]

Counts the kinds of NerKor train's gold names (every genre), keyed as the recogniser keys them
(suggestions.names.name_key: base forms by the committed lemmatiser, lower case): whole names, and
the head words (last words) of names of two words or more. A whole name is kept when at least
NAME_PURITY of its occurrences have one kind; a head word when it ends at least HEAD_MIN_COUNT
names and HEAD_PURITY of them have one kind. Then trains the kind classifier on the same gold names
(suggestions.names.span_features; CRFsuite on sequences of one item, CLASSIFIER_PARAMS). Writes
suggestions/models/names-kinds.json and names-kinds.crfsuite; the CRF is not retrained (`make
train-names` runs this after it). With --holdout K the table and the classifier are built without
every K-th news file and the kinds of the CRF's exact spans in those files are scored: the CRF's
first token, its marginals, the table over them, and the classifier blended with the marginals at
several weights, with and without the table first. Use it with a CRF trained without the same files
(`python -m suggestions.train_names --holdout K --out DIR`, then `--out DIR` here): the committed
CRF saw them, so its own kinds score high there. NerKor's devel split gives the reported figure
(bench/suggest_names.py); its test split is never used.
"""

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from suggestions.names import (
    KIND_MODEL,
    KIND_TABLE,
    KINDS,
    LEMMAS,
    MODEL,
    KindTable,
    Lemmatiser,
    NewNames,
    name_key,
    span_features,
    spans,
)
from suggestions.train_names import NERKOR, examples, train_files

NAME_PURITY = 1.0
HEAD_MIN_COUNT = 3
HEAD_PURITY = 0.9
AFTER_MIN_COUNT = 5  # the word after a name ('szóvivője' → ORG, 'polgármestere' → LOC), for names the rest misses
AFTER_PURITY = 0.9
MIN_COMPOUND = 4  # a compound head's known ending is at least this long ('bank', 'párt', 'kupa')
# The kind classifier's CRFsuite settings: L-BFGS, L1 (c1, which keeps it small) and L2 (c2).
CLASSIFIER_PARAMS = {"c1": 0.5, "c2": 0.01, "max_iterations": 200}


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


def train_classifier(sentences, lemmatise, path: Path, params: dict = CLASSIFIER_PARAMS) -> None:
    """The kind classifier (suggestions.names.KindClassifier) from the gold names of ``sentences``: one sequence of
    one item per name."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for words, labels in sentences:
        for first, last, kind in spans(labels):
            trainer.append([span_features(words, first, last, lemmatise)], [kind])
    trainer.set_params({**CLASSIFIER_PARAMS, **params})
    trainer.train(str(path))


def score(recogniser: NewNames, held: list, weights=(0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)) -> str:
    """How often each way of deciding kinds is right on the CRF's exact spans in the held-out sentences, per kind."""
    from suggestions.names import sequence_features

    found = []  # (truth, first token's kind, CRF marginals, table's kind or None, classifier's probabilities)
    for words, gold_labels in held:
        gold = {(a, b): k for a, b, k in spans(gold_labels)}
        labels = recogniser.tagger.tag(sequence_features(words, recogniser.lemmatise, recogniser.known))
        for first, last, kind in spans(labels):
            if (first, last) not in gold:
                continue
            name, head = name_key(words[first:last], recogniser.lemmatise)
            after = words[last] if last < len(words) and words[last][:1].islower() else ""
            said = recogniser.classifier(span_features(words, first, last, recogniser.lemmatise))
            table = recogniser.kinds(name, head, after.lower())
            found.append((gold[first, last], kind, recogniser.marginals(first, last), table, said))

    def blend(crf, said, weight):
        return max(KINDS, key=lambda kind: weight * said[kind] + (1 - weight) * crf[kind])

    ways = {
        "first token": lambda truth, kind, crf, table, said: kind,
        "marginals": lambda truth, kind, crf, table, said: max(crf, key=crf.__getitem__),
        "table, marginals": lambda truth, kind, crf, table, said: table or max(crf, key=crf.__getitem__),
    }
    for weight in weights:
        ways[f"blend {weight}"] = lambda truth, kind, crf, table, said, w=weight: blend(crf, said, w)
        ways[f"table, blend {weight}"] = lambda truth, kind, crf, table, said, w=weight: table or blend(crf, said, w)
    lines = [f"of {len(found)} exact spans (" + ", ".join(f"{k} {sum(f[0] == k for f in found)}" for k in KINDS) + ")"]
    for how, decide in ways.items():
        right = Counter(truth for truth, *rest in found if decide(truth, *rest) == truth)
        per_kind = ", ".join(f"{k} {right[k] / max(sum(f[0] == k for f in found), 1):.1%}" for k in KINDS)
        lines.append(f"  {how:22} {right.total() / max(len(found), 1):.1%}  ({per_kind})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nerkor", type=Path, default=NERKOR)
    parser.add_argument("--out", type=Path, default=KIND_TABLE.parent)
    parser.add_argument("--holdout", type=int, default=0, help="build without every K-th news file and score it")
    parser.add_argument("--name-purity", type=float, default=NAME_PURITY)
    parser.add_argument("--head-min", type=int, default=HEAD_MIN_COUNT)
    parser.add_argument("--head-purity", type=float, default=HEAD_PURITY)
    parser.add_argument("--c1", type=float, default=CLASSIFIER_PARAMS["c1"], help="the kind classifier's L1")
    parser.add_argument("--c2", type=float, default=CLASSIFIER_PARAMS["c2"], help="the kind classifier's L2")
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
    params = {"c1": options.c1, "c2": options.c2}
    if held:
        # A table and a classifier built without the held-out files are not the ones to commit.
        with tempfile.TemporaryDirectory() as scratch:
            classifier = Path(scratch) / KIND_MODEL.name
            train_classifier(kept_sentences, lemmatise, classifier, params)
            recogniser = NewNames(options.out / MODEL.name, options.out / LEMMAS.name, kind_model=classifier)
            recogniser.kinds = KindTable(table)
            print(f"held-out news ({len(held)} sentences), kind right:", score(recogniser, held))
        return
    path = options.out / KIND_TABLE.name
    path.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"written {path}")
    train_classifier(kept_sentences, lemmatise, options.out / KIND_MODEL.name, params)
    print(f"written {options.out / KIND_MODEL.name}, {(options.out / KIND_MODEL.name).stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
