"""Train the new-name recogniser (suggestions/names.py) on NYTK-NerKor's train split: `make train-names`.

    .venv/bin/python -m suggestions.train_names [--nerkor DIR] [--out DIR] [--holdout K]

Reads every genre of NerKor's train split (CoNLL-U Plus, IOB tags and lemmas), rebuilds each
sentence's text as ../shared/corpora/nerkor/convert.py does, tokenises it as the recogniser does
and labels each token by the gold span it falls in; learns the lemmatiser's tables from the words
of names, then trains the CRF. Writes suggestions/models/names.crfsuite and names-lemmas.json.
With --holdout K every K-th news file is left out of training and scored (exact spans, kind
right): that is how the settings below were chosen. NerKor's devel split is for the reported
figure (bench/suggest_names.py), its test split is never used.
"""

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from suggestions.names import LEMMAS, MODEL, Lemmatiser, sequence_features, spans, tokens

ROOT = Path(__file__).resolve().parent.parent
NERKOR = ROOT.parent / "shared" / "corpora" / "nerkor"

# CRFsuite's settings: L-BFGS with L1 (c1, which also keeps the model small) and L2 (c2).
PARAMS = {"c1": 0.1, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}
ENDING_LENGTHS = range(1, 6)
ENDING_MIN_COUNT = 2

# convert.py's detokeniser (Hungarian quotation marks: „…” outside, »…« inside).
NO_SPACE_BEFORE = set(".,;:!?)]}”«…%") | {"''"}
NO_SPACE_AFTER = set("([{„»")
SUFFIX_TOKEN = re.compile(r"^-[a-záéíóöőúüű]+$")


def sentences(path: Path):
    sent = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if sent:
                yield sent
            sent = []
            continue
        cols = line.split("\t")
        sent.append({"form": cols[0], "lemma": cols[1], "ner": cols[5]})
    if sent:
        yield sent


def detokenise(sent):
    """Text of a sentence and each token's (start, end) in it, as convert.py makes the seed files."""
    out, offsets, open_straight = "", [], False
    for i, tok in enumerate(sent):
        form = tok["form"]
        glue = i == 0
        if form in NO_SPACE_BEFORE or SUFFIX_TOKEN.match(form):
            glue = True
        if form == '"':
            glue = glue or open_straight
        if i > 0 and (sent[i - 1]["form"] in NO_SPACE_AFTER or (sent[i - 1]["form"] == '"' and open_straight)):
            glue = True
        if form == '"':
            open_straight = not open_straight
        if not glue:
            out += " "
        offsets.append((len(out), len(out) + len(form)))
        out += form
    return out, offsets


def gold_spans(sent, offsets) -> list[tuple[int, int, str]]:
    found, current = [], None
    for i, tok in enumerate(sent):
        tag = tok["ner"]
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:])):
            current = [offsets[i][0], offsets[i][1], tag[2:]]
            found.append(current)
        elif tag.startswith("I-"):
            current[1] = offsets[i][1]
        else:
            current = None
    return [tuple(span) for span in found]


def examples(path: Path, counts: Counter):
    """(words, labels, lemma pairs) of each sentence of one file, in our tokens."""
    for sent in sentences(path):
        text, offsets = detokenise(sent)
        ents = gold_spans(sent, offsets)
        toks = tokens(text)
        labels = []
        for start, end, _ in toks:
            label = "O"
            for e_start, e_end, kind in ents:
                if e_start <= start < e_end:
                    label = ("B-" if start == e_start else "I-") + kind
                    if end > e_end:
                        counts["token crosses a span's end"] += 1
                    break
            labels.append(label)
        counts["tokens"] += len(toks)
        # Lemma of each of our tokens: its NerKor tokens' lemmas, glued as their forms are.
        pairs = []
        for (start, end, word), label in zip(toks, labels, strict=True):
            if label == "O" or not word[:1].isupper():
                continue
            parts = [k for k, (s, e) in enumerate(offsets) if s < end and e > start]
            if not parts or offsets[parts[0]][0] != start or offsets[parts[-1]][1] != end:
                continue
            lemma = ""
            for k in parts:
                if lemma and offsets[k][0] > offsets[k - 1][1]:
                    lemma += " "
                lemma += sent[k]["lemma"]
            pairs.append((word, lemma))
        yield [t[2] for t in toks], labels, pairs


def rewrite(word: str, lemma: str) -> tuple[int, str]:
    """The rule making the lemma of the word: letters cut from its end, letters added."""
    p = 0
    while p < min(len(word), len(lemma)) and word[p].lower() == lemma[p].lower():
        p += 1
    return len(word) - p, lemma[p:]


def lemma_tables(pairs: list[tuple[str, str]]) -> dict:
    words: dict[str, Counter] = defaultdict(Counter)
    endings: dict[str, Counter] = defaultdict(Counter)
    for word, lemma in pairs:
        words[word][lemma] += 1
        cut, add = rewrite(word, lemma)
        if cut > 4 or "-" in word:
            continue  # irregular ('Államokban' → 'állam'?) or hyphenated: not an ending to learn
        lower = word.lower()
        for n in ENDING_LENGTHS:
            if len(lower) > n + 1:
                endings[lower[-n:]][(cut, add)] += 1
    return {
        "words": {word: lemmas.most_common(1)[0][0] for word, lemmas in words.items()},
        "endings": {
            key: list(rules.most_common(1)[0][0]) for key, rules in endings.items() if rules.total() >= ENDING_MIN_COUNT
        },
    }


def score(tagger, lemmatise, held: list) -> str:
    gold_n = found_n = right = kind_right = 0
    for words, labels, _ in held:
        gold = {(a, b): k for a, b, k in spans(labels)}
        found = {(a, b): k for a, b, k in spans(tagger.tag(sequence_features(words, lemmatise)))}
        gold_n += len(gold)
        found_n += len(found)
        for key, kind in found.items():
            if key in gold:
                right += 1
                kind_right += gold[key] == kind
    return (
        f"precision {right / max(found_n, 1):.3f}, recall {right / max(gold_n, 1):.3f}, "
        f"kind right {kind_right / max(right, 1):.3f} ({gold_n} gold spans)"
    )


def write_attributes(model_path: Path) -> None:
    """The attributes the model has weights for, one a line, beside it: the recogniser hands the tagger only those."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    attributes = sorted({attribute for attribute, _ in tagger.info().state_features})
    model_path.with_suffix(".attributes").write_text("\n".join(attributes) + "\n", encoding="utf-8")


def train_files(nerkor: Path, holdout: int) -> tuple[list[Path], set[Path]]:
    """NerKor's train files, and those held out (every ``holdout``-th news file; none for 0)."""
    files = sorted((nerkor / "conllup" / "train").glob("*/*.conllup"))
    if not files:
        sys.exit(f"no NerKor train files under {nerkor}/conllup/train")
    news = [path for path in files if path.parent.name == "news"]
    return files, set(news[::holdout]) if holdout else set()


def main() -> None:
    import pycrfsuite

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nerkor", type=Path, default=NERKOR)
    parser.add_argument("--out", type=Path, default=MODEL.parent)
    parser.add_argument("--holdout", type=int, default=0, help="leave out and score every K-th news file")
    parser.add_argument("--c1", type=float, default=PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=PARAMS["c2"])
    parser.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    parser.add_argument("--verbose", action="store_true", help="print CRFsuite's progress")
    options = parser.parse_args()

    started = time.perf_counter()
    files, held_files = train_files(options.nerkor, options.holdout)
    counts: Counter = Counter()
    train, held, pairs = [], [], []
    for path in files:
        for words, labels, word_lemmas in examples(path, counts):
            if path in held_files:
                held.append((words, labels, word_lemmas))
            else:
                train.append((words, labels))
                pairs += word_lemmas
    print(f"{len(train)} training sentences, {counts['tokens']} tokens, {len(held)} held out; {dict(counts)}")

    options.out.mkdir(parents=True, exist_ok=True)
    tables = lemma_tables(pairs)
    lemmas_path = options.out / LEMMAS.name
    lemmas_path.write_text(json.dumps(tables, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    lemmatise = Lemmatiser(tables)

    trainer = pycrfsuite.Trainer(verbose=options.verbose)
    for words, labels in train:
        trainer.append(sequence_features(words, lemmatise), labels)
    print(f"features extracted: {time.perf_counter() - started:.0f} s")
    trainer.set_params({**PARAMS, "c1": options.c1, "c2": options.c2, "max_iterations": options.iterations})
    model_path = options.out / MODEL.name
    trainer.train(str(model_path))
    print(f"trained: {time.perf_counter() - started:.0f} s, {model_path.stat().st_size / 1e6:.1f} MB")
    write_attributes(model_path)
    if held:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_path))
        print("held-out news:", score(tagger, lemmatise, held))


if __name__ == "__main__":
    main()
