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
from itertools import pairwise
from pathlib import Path

from suggestions.recognisers import WORD, Suggestion, stems, unaccented

MODELS = Path(__file__).resolve().parent / "models"
MODEL = MODELS / "names.crfsuite"
LEMMAS = MODELS / "names-lemmas.json"
KIND_TABLE = MODELS / "names-kinds.json"
KIND_MODEL = MODELS / "names-kinds.crfsuite"

# How much the kind classifier's probabilities count against the CRF's marginals (chosen on held-out train news).
CLASSIFIER_WEIGHT = 0.5
KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other"}
TOKEN = re.compile(WORD.pattern + r"|[^\s]")
PARAGRAPH = re.compile(r"[^\n]+")
SENTENCE_END = frozenset(".!?…")
# Words whose full stop ends no sentence ('dr. Kovács', 'Ms. Jolie', 'a Kft. vezetője').
ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "prof", "id", "ifj", "özv", "kft", "zrt", "nyrt", "bt", "rt", "co", "inc", "ltd"}
)
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

    def base(self, word: str) -> str:
        """The base form proposed for a word of a name: its lemma, where what comes off is a Hungarian ending.

        The learned rewrites alone cut names that merely end like an inflected word ('Pathak',
        'LeBron'); the catalogue recogniser's endings ('suggestions.recognisers.stems') check them.
        (The CRF's features use the lemma unchecked, as it was trained with it.)
        """
        lemma = self(word).rstrip(".") or word  # our words never end in a full stop: it is a token of its own
        if lemma == word or word in self.words:
            return lemma
        if "-" in word and lemma == word.rpartition("-")[0]:
            return lemma
        if word.isupper():
            return word  # an acronym takes its ending after a hyphen ('ENSZ-nek')
        if any(stem == unaccented(lemma) for stem, suffixed in stems(word) if suffixed):
            return lemma
        return word

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


def sequence_features(words: list[str], lemmatise, known: frozenset[str] | None = None, cache=None) -> list[list[str]]:
    """Features of each token of a sentence: its own, and its neighbours' two either side.

    With ``known`` (the attributes the model has weights for), a word's own features are only those:
    the tagger would ignore the others, after paying to hand them over; its own part is kept in
    ``cache`` between calls, so the filtering is paid once per word. (Filtering the neighbours'
    features too costs more than it saves.)
    """
    cache = {} if cache is None else cache
    parts = []
    for word in words:
        part = cache.get(word)
        if part is None:
            own = word_features(word, lemmatise(word) if word[:1].isupper() else word)
            if known is not None:
                own = [feature for feature in own if feature in known]
            part = (own, neighbour(word), shape(word), "w=" + word.lower())
            if len(cache) < 100_000:
                cache[word] = part
        parts.append(part)
    n = len(words)
    features = []
    for i in range(n):
        own, _, _, w = parts[i]
        f = list(own)
        if i == 0 or words[i - 1] in SENTENCE_END:
            f.append("first")
            if words[i][:1].isupper():
                f.append("first_cap")
        elif words[i - 1] in OPENERS:
            f.append("after_opener")
        if i > 0:
            before = parts[i - 1]
            f += ["-1=" + before[1], "-1s=" + before[2], "-1w0=" + before[1] + "|" + w]
        else:
            f.append("BOS")
        if i > 1:
            f += ["-2=" + parts[i - 2][1], "-2s=" + parts[i - 2][2]]
        if i + 1 < n:
            after = parts[i + 1]
            f += ["+1=" + after[1], "+1s=" + after[2], "+1w0=" + w + "|" + after[1]]
        else:
            f.append("EOS")
        if i + 2 < n:
            f += ["+2=" + parts[i + 2][1], "+2s=" + parts[i + 2][2]]
        features.append(f)
    return features


def sentences(toks: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """A paragraph's tokens cut into sentences: after . ! ? or … when a capital, digit or opening mark follows,
    unless the full stop ends an initial or an abbreviation ('Elena B. Kovács', 'dr. Kiss')."""
    found, start = [], 0
    for i in range(1, len(toks) - 1):
        word, after = toks[i][2], toks[i + 1][2]
        if word not in SENTENCE_END or not (after[:1].isupper() or after[:1].isdigit() or after in OPENERS):
            continue
        before = toks[i - 1][2]
        if (
            word == "."
            and toks[i - 1][1] == toks[i][0]
            and ((len(before) == 1 and before.isupper()) or before.lower() in ABBREVIATIONS)
        ):
            continue
        found.append(toks[start : i + 1])
        start = i + 1
    found.append(toks[start:])
    return [sentence for sentence in found if sentence]


# Sentence-initial words that are never names by themselves.
COMMON_FIRST_WORDS = frozenset(
    {"a", "az", "egy", "ez", "ezt", "ezek", "de", "és", "hogy", "is", "ha", "mert", "majd", "így", "ugyanakkor"}
)


def may_name(toks: list[tuple[int, int, str]]) -> bool:
    """Whether a sentence may hold a name: a capital, a digit or a handle after its first word, or a first word
    that is not an article or a conjunction. Names are written capitalised; the others are not tagged (speed)."""
    if any(word[:1].isupper() or word[:1].isdigit() or word[:1] == "@" for _, _, word in toks[1:]):
        return True
    first = toks[0][2]
    return (first[:1].isupper() or first[:1] == "@") and first.lower() not in COMMON_FIRST_WORDS


def trimmed(toks: list[tuple[int, int, str]], first: int, last: int) -> tuple[int, int]:
    """A span without punctuation at either end, but for the full stop of an abbreviation or initial ('Kft.',
    'Elena B.'), which is part of the name as written."""
    while first < last and not toks[first][2][:1].isalnum() and toks[first][2][:1] != "@":
        first += 1
    while last > first and not toks[last - 1][2][:1].isalnum():
        before = toks[last - 2] if last - 2 >= first else None
        glued = before is not None and before[1] == toks[last - 1][0]
        if toks[last - 1][2] == "." and glued and before[2][:1].isupper() and len(before[2]) <= 4:
            break
        last -= 1
    return first, last


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


def name_key(words: list[str], lemmatise: "Lemmatiser") -> tuple[str, str]:
    """(whole name, head word) of a span's words as the kind table keys them: base forms in lower case, the
    whole name's words joined by one space; the head is the last word that has a letter ('zrt', 'bank', 'utca')."""
    bases = [lemmatise.base(word).lower() if word[:1].isupper() else word.lower() for word in words]
    lettered = [base for base in bases if any(c.isalpha() for c in base)]
    return " ".join(lettered), (lettered[-1] if lettered else "")


class KindTable:
    """Kinds learned from NerKor train's gold names (suggestions/train_kinds.py): whole names seen there with one
    kind, and head words (the last word of a name of two words or more: 'bank', 'párt', 'egyetem', 'utca', 'kupa')
    that nearly always end names of one kind, also as the end of a compound head ('Takarékbank' → 'bank').

    The CRF's kind is mostly its first word's and its neighbours'; in Hungarian the common noun that heads a
    name comes last, and says more.
    """

    def __init__(self, table: dict):
        self.names: dict[str, str] = table["names"]
        self.heads: dict[str, str] = table["heads"]
        self.after: dict[str, str] = table.get("after", {})
        self.min_compound = table.get("min_compound", 4)

    @classmethod
    def load(cls, path: Path = KIND_TABLE) -> "KindTable":
        if not path.exists():
            return cls({"names": {}, "heads": {}})
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def __call__(self, name: str, head: str, after: str = "") -> str | None:
        """The kind (PER, ORG, LOC, MISC) the table knows for a name, or None.

        ``after`` is the word after the name in lower case ('szóvivője', 'polgármestere'), or ''."""
        known = self.names.get(name)
        if known is not None:
            return known
        if " " in name:  # a one-word name's head is the name itself
            known = self.heads.get(head)
            if known is None:
                # A compound head: its longest known ending that leaves a word before it ('takarékbank' → 'bank').
                known = next(
                    (
                        self.heads[head[cut:]]
                        for cut in range(3, len(head) - self.min_compound + 1)
                        if head[cut:] in self.heads
                    ),
                    None,
                )
            if known is not None:
                return known
        return self.after.get(after) if after else None


def span_features(words: list[str], first: int, last: int, lemmatise) -> list[str]:
    """What a whole name says of its kind, once its span is found (the kind classifier's features): its words and
    their base forms, its first and head (last) word with the head's endings ('takarékbank' → 'bank', 'egyetem'),
    the case ending its last word takes, its length and shape, and the words either side of it."""
    name = words[first:last]
    lettered = [word for word in name if any(c.isalpha() for c in word)] or name
    bases = [lemmatise(word).lower() if word[:1].isupper() else word.lower() for word in lettered]
    head, last_word = bases[-1], lettered[-1]
    features = ["b", f"n={min(len(lettered), 4)}", "f=" + bases[0], "h=" + head, "k=" + " ".join(bases)]
    features += ["l=" + base for base in bases]
    features += ["w=" + word.lower() for word in lettered]
    features += [f"b2={a}|{b}" for a, b in pairwise(bases)]
    features += [f"hs{n}={head[-n:]}" for n in range(2, 8) if len(head) > n]
    features += [f"fs{n}={bases[0][-n:]}" for n in range(2, 5) if len(bases[0]) > n and len(bases) > 1]
    lower = last_word.lower()
    features.append("e=" + (lower[len(head) :] if lower.startswith(head) else "?"))
    features.append("s=" + " ".join(shape(word) for word in name))
    if any(word.isupper() and len(word) > 1 for word in lettered):
        features.append("allcap" if len(lettered) > 1 else "acronym")
    if any(c.isdigit() for word in name for c in word):
        features.append("digit")
    if any(not word[:1].isupper() for word in lettered):
        features.append("lower_word")
    features.append("-1=" + (neighbour(words[first - 1]) if first > 0 else "BOS"))
    features.append("-2=" + (neighbour(words[first - 2]) if first > 1 else "BOS"))
    features.append("+1=" + (neighbour(words[last]) if last < len(words) else "EOS"))
    features.append("+2=" + (neighbour(words[last + 1]) if last + 1 < len(words) else "EOS"))
    after = words[last] if last < len(words) else ""
    if after[:1].islower() and len(after) > 4:
        features.append("+1s3=" + after[-3:])
    return features


class KindClassifier:
    """The kind of a whole name (suggestions/train_kinds.py): a maximum-entropy classifier (CRFsuite trained on
    sequences of one item, which is logistic regression) over ``span_features``."""

    def __init__(self, path: Path = KIND_MODEL):
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(path))

    @classmethod
    def load(cls, path: Path = KIND_MODEL) -> "KindClassifier | None":
        return cls(path) if path.exists() else None

    def __call__(self, features: list[str]) -> dict[str, float]:
        """The probability of each kind."""
        self.tagger.set([features])
        return {kind: self.tagger.marginal(kind, 0) for kind in KINDS}


class NewNames:
    """Names the CRF finds, as candidate entities: kind, base form and a confidence (the CRF's marginals)."""

    kind = "entity"
    rule = "crf-names"

    def __init__(
        self, model: Path = MODEL, lemmas: Path = LEMMAS, kinds: Path = KIND_TABLE, kind_model: Path = KIND_MODEL
    ):
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model))
        self.lemmatise = Lemmatiser.load(lemmas)
        self.kinds = KindTable.load(kinds)
        self.classifier = KindClassifier.load(kind_model)
        attributes = Path(model).with_suffix(".attributes")
        self.known = frozenset(attributes.read_text(encoding="utf-8").splitlines()) if attributes.exists() else None
        self.cache: dict = {}

    def suggest(self, body: str) -> list[Suggestion]:
        found = []
        for paragraph in PARAGRAPH.finditer(body):
            for toks in sentences(tokens(paragraph[0], paragraph.start())):
                if may_name(toks):
                    found += self._sentence(body, toks)
        return found

    def _sentence(self, body: str, toks: list[tuple[int, int, str]]) -> list[Suggestion]:
        # One sentence at a time, as the CRF was trained: a full stop before a name is not part of it.
        found = []
        words = [tok[2] for tok in toks]
        labels = self.tagger.tag(sequence_features(words, self.lemmatise, self.known, self.cache))
        for first, last, kind in spans(labels):
            first, last = trimmed(toks, first, last)
            if first < last:
                confidence = min(self.tagger.marginal(labels[i], i) for i in range(first, last))
                kind = self.kind_of(words, first, last)
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

    def kind_of(self, words: list[str], first: int, last: int) -> str:
        """A span's kind, once its sentence is tagged: the kind table's, where it knows the name or its head word;
        else the kind classifier's probabilities blended with the CRF's marginals averaged over the span's tokens
        (weighed by ``CLASSIFIER_WEIGHT``), or those marginals alone without a classifier.

        The CRF reads a name mostly by its first word and its neighbours; the classifier reads the whole span (its
        head word and that word's endings, its length and shape, the words around it), and the two err apart."""
        name, head = name_key(words[first:last], self.lemmatise)
        after = words[last] if last < len(words) and words[last][:1].islower() else ""
        known = self.kinds(name, head, after.lower())
        if known is not None:
            return known
        crf = self.marginals(first, last)
        if self.classifier is None:
            return max(crf, key=crf.__getitem__)
        said = self.classifier(span_features(words, first, last, self.lemmatise))
        return max(KINDS, key=lambda kind: CLASSIFIER_WEIGHT * said[kind] + (1 - CLASSIFIER_WEIGHT) * crf[kind])

    def marginals(self, first: int, last: int) -> dict[str, float]:
        """Each kind's CRF marginal (B- and I- alike) averaged over the span's tokens of the sentence last tagged, so
        that every word of the name has its say, not only the first."""
        marginal = self.tagger.marginal
        return {
            kind: sum(marginal("B-" + kind, i) + marginal("I-" + kind, i) for i in range(first, last)) / (last - first)
            for kind in KINDS
        }

    def base_form(self, body: str, toks: list[tuple[int, int, str]]) -> str:
        """Each word's lemma, the text between words kept: 'Azimdzsan Aszkarovot' → 'Azimdzsan Aszkarov'."""
        out = []
        for k, (start, _end, word) in enumerate(toks):
            if k:
                out.append(body[toks[k - 1][1] : start])
            out.append(self.lemmatise.base(word) if word[:1].isupper() else word)
        return "".join(out)


@lru_cache(maxsize=1)
def new_names() -> NewNames:
    """The recogniser, its model loaded once per process."""
    return NewNames()


def outside(found: list[Suggestion], catalogued: list[Suggestion]) -> list[Suggestion]:
    """The new names that neither are nor overlap a catalogued mention: the catalogue's match wins."""
    taken = [(mention.start, mention.end) for mention in catalogued if mention.kind == "entity"]
    return [name for name in found if not any(start < name.end and name.start < end for start, end in taken)]
