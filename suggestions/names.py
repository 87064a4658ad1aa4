"""New names: people, organisations, places and other names the catalogue does not hold yet.

A linear-chain CRF (CRFsuite, through python-crfsuite) trained on NYTK-NerKor's train split
(`make train-names`, suggestions/train_names.py) tags each token of a paragraph B-/I-/O with
NerKor's four kinds; a learned lemmatiser proposes the base form ('Azimdzsan Aszkarovot' →
'Azimdzsan Aszkarov', 'Kijevben' → 'Kijev'). The model and the lemmatiser's tables are in
suggestions/models/ (CC-BY-SA 4.0, derived from NerKor: see the README there); both load once
per process, on first use, from disk: nothing is fetched.

Tokens are ours (the same at training and at tagging): words as the catalogue's recogniser reads
them, hyphenated endings included ('EU-ban'), and every other visible character alone, so that a
span is always whole words as written, ending included.
"""

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from suggestions.recognisers import WORD, Suggestion

MODELS = Path(__file__).resolve().parent / "models"
MODEL = MODELS / "names.crfsuite"
LEMMAS = MODELS / "names-lemmas.json"

KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other"}
TOKEN = re.compile(WORD.pattern + r"|[^\s]")
PARAGRAPH = re.compile(r"[^\n]+")
SENTENCE_END = frozenset(".!?…")
# Whether a token begins a sentence, as far as the token before tells.
OPENERS = frozenset('„“"»(–-:')


def tokens(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, text) of each token, offsets counted from ``offset``."""
    return [(offset + match.start(), offset + match.end(), match[0]) for match in TOKEN.finditer(text)]


def shape(word: str) -> str:
    """Letters as X or x, digits as d, runs collapsed: 'Aszkarovot' → 'Xx', 'EU-ban' → 'X-x'."""
    out = []
    for c in word:
        s = "X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)


class Lemmatiser:
    """Base forms of the words of names, learned from NerKor's lemma column.

    Words seen in training get their most frequent lemma; others the rewrite ('cut n letters, add
    s') most frequent for the longest word ending seen often enough.
    """

    def __init__(self, table: dict):
        self.words: dict[str, str] = table["words"]
        self.endings: dict[str, tuple[int, str]] = {key: tuple(rule) for key, rule in table["endings"].items()}
        self.longest = max((len(key) for key in self.endings), default=0)

    @classmethod
    def load(cls, path: Path = LEMMAS) -> "Lemmatiser":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def __call__(self, word: str) -> str:
        known = self.words.get(word)
        if known is not None:
            return known
        if not any(c.isalpha() for c in word):
            return word
        if "-" in word:
            # 'Saddam-tól', 'EU-ban': the ending after the hyphen goes, with the hyphen.
            head, _, tail = word.rpartition("-")
            if tail.isalpha() and tail.islower() and len(tail) <= 5 and head and not head.islower():
                return head
        lower = word.lower()
        for length in range(min(self.longest, len(word) - 2), 0, -1):
            rule = self.endings.get(lower[-length:])
            if rule is not None:
                cut, add = rule
                if cut >= len(word):
                    return word
                return word[: len(word) - cut] + add if cut else word + add
        return word


def word_features(word: str, lemma: str) -> list[str]:
    """What one token says of itself (cached per word by the tagger)."""
    lower = word.lower()
    features = ["b", "w=" + lower, "s=" + shape(word)]
    if word[:1].isupper():
        features.append("cap")
        if word.isupper() and len(word) > 1:
            features.append("allcap")
    elif word[:1].isdigit():
        features.append("digit")
    elif not word[:1].isalnum():
        features.append("p=" + word)
    for n in (1, 2, 3, 4):
        if len(lower) > n:
            features.append(f"s{n}={lower[-n:]}")
            features.append(f"p{n}={lower[:n]}")
    if len(word) <= 2:
        features.append("short")
    if "-" in word:
        head, _, tail = lower.rpartition("-")
        features += ["hy", "hh=" + head, "ht=" + tail]
    if lemma != word:
        features.append("l=" + lemma.lower())
        features.append("e=" + lower[len(lemma) :] if lower.startswith(lemma.lower()) else "e=?")
    else:
        features.append("e=")
    return features


def neighbour(word: str) -> str:
    """A neighbour as its neighbours see it: the word in lower case, capitalised or not."""
    return word.lower() + ("^" if word[:1].isupper() else "")


def sequence_features(words: list[str], lemmatise) -> list[list[str]]:
    """Features of each token of a sequence: its own, and its neighbours' two either side."""
    own = [_own(word, lemmatise) for word in words]
    seen = [neighbour(word) for word in words]
    shapes = [shape(word) for word in words]
    n = len(words)
    features = []
    for i in range(n):
        f = list(own[i])
        if i == 0 or words[i - 1] in SENTENCE_END:
            f.append("first")
            if words[i][:1].isupper():
                f.append("first_cap")
        elif words[i - 1] in OPENERS:
            f.append("after_opener")
        if i > 0:
            f += ["-1=" + seen[i - 1], "-1s=" + shapes[i - 1], "-1w0=" + seen[i - 1] + "|" + own[i][1]]
        else:
            f.append("BOS")
        if i > 1:
            f += ["-2=" + seen[i - 2], "-2s=" + shapes[i - 2]]
        if i + 1 < n:
            f += ["+1=" + seen[i + 1], "+1s=" + shapes[i + 1], "+1w0=" + own[i][1] + "|" + seen[i + 1]]
        else:
            f.append("EOS")
        if i + 2 < n:
            f += ["+2=" + seen[i + 2], "+2s=" + shapes[i + 2]]
        features.append(f)
    return features


_own_cache: dict[str, list[str]] = {}


def _own(word: str, lemmatise) -> list[str]:
    found = _own_cache.get(word)
    if found is None:
        found = word_features(word, lemmatise(word) if word[:1].isupper() else word)
        if len(_own_cache) < 200_000:
            _own_cache[word] = found
    return found


def spans(labels: Iterable[str]) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, kind) of each B-/I- run; an I- after O or another kind starts one."""
    found: list[list] = []
    previous = "O"
    for i, label in enumerate(labels):
        if label == "O":
            previous = label
            continue
        kind = label[2:]
        if label.startswith("B-") or previous == "O" or previous[2:] != kind:
            found.append([i, i + 1, kind])
        else:
            found[-1][1] = i + 1
        previous = label
    return [tuple(span) for span in found]


class NewNames:
    """Names the CRF finds, as candidate entities: kind, base form and a confidence (the CRF's marginals)."""

    kind = "entity"
    rule = "crf-names"

    def __init__(self, model: Path = MODEL, lemmas: Path = LEMMAS):
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model))
        self.lemmatise = Lemmatiser.load(lemmas)

    def suggest(self, body: str) -> list[Suggestion]:
        found = []
        for paragraph in PARAGRAPH.finditer(body):
            toks = tokens(paragraph[0], paragraph.start())
            if not toks:
                continue
            words = [tok[2] for tok in toks]
            labels = self.tagger.tag(sequence_features(words, self.lemmatise))
            for first, last, kind in spans(labels):
                if not any(c.isalpha() or c.isdigit() for w in words[first:last] for c in w[:1]):
                    continue
                confidence = min(self.tagger.marginal(labels[i], i) for i in range(first, last))
                start, end = toks[first][0], toks[last - 1][1]
                found.append(
                    Suggestion(
                        kind="entity",
                        start=start,
                        end=end,
                        text=body[start:end],
                        rule=self.rule,
                        confidence=round(confidence, 3),
                        entity=self.base_form(body, toks[first:last]),
                        entity_id=None,
                        entity_kind=KINDS[kind],
                    )
                )
        return found

    def base_form(self, body: str, toks: list[tuple[int, int, str]]) -> str:
        """Each word's lemma, the text between words kept: 'Azimdzsan Aszkarovot' → 'Azimdzsan Aszkarov'."""
        out = []
        for k, (start, _end, word) in enumerate(toks):
            if k:
                out.append(body[toks[k - 1][1] : start])
            out.append(self.lemmatise(word) if word[:1].isupper() else word)
        return "".join(out)


@lru_cache(maxsize=1)
def new_names() -> NewNames:
    """The recogniser, its model loaded once per process."""
    return NewNames()


def outside(found: list[Suggestion], catalogued: list[Suggestion]) -> list[Suggestion]:
    """The new names that neither are nor overlap a catalogued mention: the catalogue's match wins."""
    taken = [(mention.start, mention.end) for mention in catalogued if mention.kind == "entity"]
    return [name for name in found if not any(start < name.end and name.start < end for start, end in taken)]
