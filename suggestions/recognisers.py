"""Recognisers: a body of text in, suggested annotations out (README.md, "Suggestions").

Every recogniser has one method, ``suggest(body)``, so that the catalogue's rules here and a
statistical model later are used alike. Pure Python, no database: the catalogue is handed in
as plain entries (``suggestions.catalogue`` loads it from the database and caches it).
"""

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Protocol

from entities.spelling import transliterate, unaccented


@dataclass(frozen=True)
class Suggestion:
    """One suggested annotation; offsets count code points into the normalised body."""

    kind: str  # "entity", "quote" or "source"
    start: int
    end: int
    text: str
    rule: str
    confidence: float
    entity: str | None = None  # the base-form name of the entity named, said or cited
    entity_id: int | None = None
    entity_kind: str | None = None
    direct: bool | None = None
    cue: str | None = None
    source_type: str | None = None  # a source's: annotations.models.SourceType's value, where the text tells

    def as_dict(self) -> dict:
        return asdict(self)


class Recogniser(Protocol):
    def suggest(self, body: str) -> list[Suggestion]: ...


@dataclass(frozen=True)
class CatalogueEntry:
    """An entity as the recogniser needs it: its id (None outside the database), name, kind, spellings."""

    id: int | None
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


# A word: letters and digits, joined by hyphens, apostrophes, dots or & (EU-ban, O'Sullivan,
# Change.org, K&F), with a handle's @.
WORD = re.compile(r"@?[^\W_]+(?:[-'’.&/][^\W_]+)*")
# What may stand between two words of one name: spaces, or a comma, colon or dash with spaces.
NAME_GAP = re.compile(r"[ \t\u00a0]{1,2}|[ \t]?[,:][ \t]|[ \t][–-][ \t]")
MAX_NAME_WORDS = 12

# Hungarian endings that may follow a name, as unaccented lower-case text (so -ról and -rol, -től
# and -tol are one). Built from parts: a linking vowel, the plural, the possessive, the
# family -ék/-éi and the case endings; stripped only where what is left is a catalogued spelling.
CASES = (
    "t", "nak", "nek", "ban", "ben", "ba", "be", "ra", "re", "rol", "tol", "bol", "hoz", "hez", "nal", "nel",
    "n", "on", "en", "val", "vel", "ert", "ig", "kent", "va", "ve", "ul", "kor", "at", "ot", "et",
)  # fmt: skip
LINKING = ("", "a", "o", "e")
PLURAL_AND_POSSESSIVE = (
    "", "k", "ak", "ok", "ek", "a", "e", "ja", "je", "ai", "ei", "jai", "jei",
    "ank", "unk", "ink", "enk", "juk", "jok", "uk",
)  # fmt: skip


def _endings() -> frozenset[str]:
    endings: set[str] = set()
    for middle in PLURAL_AND_POSSESSIVE:
        for vowel in LINKING:
            for case in ("", *CASES):
                if middle and vowel:
                    continue  # the linking vowel is part of the plural or possessive already
                ending = middle + vowel + case
                if ending:
                    endings.add(ending)
    return frozenset(endings)


ENDINGS = _endings()
LONGEST_ENDING = max(map(len, ENDINGS))
# Instrumental and translative after a consonant double it: Orbánnal, Kováccsal, Magyarországgal.
ASSIMILATED = re.compile(
    r"(?:(?P<double>(?P<c>[bcdfghjklmnpqrstvwxz])(?P=c))|(?P<digraph>(?P<d>[cgnlstz])(?P=d)(?P<y>[syz])))(?:al|el|a|e)\Z"
)
ASSIMILATED_AFTER_HYPHEN = re.compile(r"[a-z](?:al|el|a|e)")  # Brunner-rel, Bush-sal
DIGRAPHS_DOUBLED = {"ccs", "ggy", "lly", "nny", "ssz", "tty", "zzs"}


# Both are called for every capitalised word of every article, and the same words come back
# (names, sentence openers): remembering them makes a name-dense article several times faster.
@lru_cache(maxsize=65_536)
def spelling_key(word: str) -> str:
    """The transliteration key of one word (entities.spelling's, with digits kept): 'Dzsong' → 'jong'."""
    kept = "".join(c for c in unaccented(word) if c.isalnum())
    return transliterate(kept)


@lru_cache(maxsize=65_536)
def stems(word: str) -> tuple[tuple[str, bool], ...]:
    """What a word may be before its ending, as unaccented text, the word itself first.

    'Phenjanba' → phenjanba, phenjanb, phenjan, …; 'EU-ban' → eu-ban, eu; 'Orbánnal' → orban;
    'Moszkvába' → moszkva (the lengthened final a is an a once accents are dropped). Each with
    whether an ending was taken off.
    """
    plain = unaccented(word)
    found = [(plain, False)]
    if "-" in plain:
        head, _, tail = plain.rpartition("-")
        if tail in ENDINGS or (ASSIMILATED_AFTER_HYPHEN.fullmatch(tail) and tail[0] == head[-1:]):
            found.append((head, True))
    for length in range(1, min(LONGEST_ENDING, len(plain) - 2) + 1):
        if plain[-length:] in ENDINGS:
            found.append((plain[:-length], True))
    assimilated = ASSIMILATED.search(plain)
    if assimilated:
        head = plain[: assimilated.start()]
        if assimilated["double"]:
            found.append((head + assimilated["c"], True))
        elif assimilated["d"] + assimilated["d"] + assimilated["y"] in DIGRAPHS_DOUBLED:
            found.append((head + assimilated["d"] + assimilated["y"], True))
    # Longest stem first: the least taken off is the likeliest reading.
    return tuple(sorted(found, key=lambda stem: -len(stem[0])))


# Words that begin sentences and join names, never part of another spelling of one ('A TV' is not ATV).
FUNCTION_WORDS = frozenset({"a", "az", "egy", "es", "de", "ha", "hogy", "mi", "ki", "ez", "is", "se", "s", "o"})


def _another_spelling_of_a_name(written: str) -> bool:
    """Whether words split or joined otherwise than a spelling's may be it: 'Kim Jong Un', not 'de mi' or 'A TV'."""
    words = WORD.findall(written)
    return all((word[:1].isupper() or word[:1].isdigit()) and unaccented(word) not in FUNCTION_WORDS for word in words)


def _other_accents(spelling: "_Spelling", written: str, plain: str) -> bool:
    """Whether one word differs from a spelling only in its accents: 'Mára' is not Mara, 'Roma' not Róma."""
    return spelling.plain == plain and spelling.cased.casefold() != written.casefold()


@dataclass(frozen=True)
class _Spelling:
    entry: int  # index into the recogniser's entries
    plain: str  # the spelling as unaccented words, to tell an exact match from another transliteration
    cased: str  # the spelling's words as written, to tell 'Unió' from 'unió'
    acronym: bool  # written in capitals ('MI', 'EBB'): found only in capitals, never in 'Miért'
    dotted: bool  # ends with a full stop ('Natalie A.', 'Kft.'), which is then part of the span


class CatalogueMentions:
    """Mentions of catalogued entities, by their names and aliases, suffixes and transliterations too.

    Each spelling is keyed by its words' transliteration keys run together ('Kim Jong Un' and
    'Kim Dzsongun' are both 'kimjongun'), so a name written in more or fewer words is found.
    Scanning tries, at each capitalised word, the longest run of words whose key is a spelling's,
    the last word with or without a Hungarian ending.
    """

    kind = "entity"

    def __init__(self, entries: Iterable[CatalogueEntry]):
        self.entries: list[CatalogueEntry] = list(entries)
        self.spellings: dict[str, list[_Spelling]] = {}
        self.prefixes: set[str] = set()
        # First words of spellings that begin in lower case ('iPhone', '@rahmamian'), found as written.
        self.uncapitalised: set[str] = set()
        for index, entry in enumerate(self.entries):
            for spelling in dict.fromkeys([entry.name, *entry.aliases]):
                words = WORD.findall(spelling)
                key = "".join(map(spelling_key, words))
                if len(key) < 2:
                    continue  # 'Sz.' or 'S': any capital letter would be taken for it
                letters = [c for c in spelling if c.isalpha()]
                acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
                cased = " ".join(words)
                plain = unaccented(cased)
                dotted = spelling.endswith(".")
                self.spellings.setdefault(key, []).append(_Spelling(index, plain, cased, acronym, dotted))
                self.prefixes.update(key[:end] for end in range(1, len(key)))
                if not words[0][:1].isupper() and not (words[0].isalpha() and words[0].islower()):
                    self.uncapitalised.add(words[0])  # not a common word: 'közösség' stays one

    def suggest(self, body: str) -> list[Suggestion]:
        words = list(WORD.finditer(body))
        suggestions: list[Suggestion] = []
        i = 0
        while i < len(words):
            word = words[i][0]
            found = self._longest_at(body, words, i) if word[:1].isupper() or word in self.uncapitalised else None
            if found is None:
                i += 1
                continue
            last, suggestion = found
            if suggestion is not None:
                suggestions.append(suggestion)
            i = last + 1
        return suggestions

    def _longest_at(self, body: str, words: list[re.Match], first: int) -> tuple[int, Suggestion | None] | None:
        """The longest spelling starting at word ``first``: its last word and suggestion (None: refused)."""
        best = None
        key = ""
        plain_before = ""  # the words before the last, unaccented, each followed by a space
        for last in range(first, min(first + MAX_NAME_WORDS, len(words))):
            if last > first and not NAME_GAP.fullmatch(body, words[last - 1].end(), words[last].start()):
                break
            word = words[last][0]
            for stem, suffixed in stems(word):
                written = body[words[first].start() : words[last].start() + len(stem)]
                if suffixed and len(stem) < 3 and not (word[len(stem) : len(stem) + 1] == "-" or written.isupper()):
                    continue  # 'Eb' is not in 'Ebben'; 'EU-ban' and 'ENSZ-nek' are
                plain = plain_before + stem
                candidates = [
                    spelling
                    for spelling in self.spellings.get(key + spelling_key(stem), ())
                    if (not spelling.acronym or written.isupper())
                    and (spelling.plain == plain or _another_spelling_of_a_name(written))
                    and not (last == first and not suffixed and _other_accents(spelling, written, plain))
                ]
                if candidates:
                    best = (last, written, plain, suffixed, candidates)
                    break
            key += spelling_key(word)
            plain_before += unaccented(word) + " "
            if key not in self.prefixes:
                break
        if best is None:
            return None
        last, written, plain, suffixed, candidates = best
        return last, self._resolve(body, words, first, last, written, plain, suffixed, candidates)

    def _resolve(self, body, words, first, last, written, plain, suffixed, candidates) -> Suggestion | None:
        cased = " ".join(WORD.findall(written))
        entries = {spelling.entry for spelling in candidates}
        if len(entries) > 1:
            # Spelt alike: only the very spelling ('Unió', not 'unió'; 'Orbán', not 'Orban') settles it.
            entries = {spelling.entry for spelling in candidates if spelling.cased == cased}
            if len(entries) != 1:
                entries = {spelling.entry for spelling in candidates if spelling.plain == plain}
            if len(entries) != 1:
                return None  # two entities spelt alike: the editor decides, never a guess
        entry = self.entries[entries.pop()]
        start, end = words[first].start(), words[last].end()
        if not suffixed and body[end : end + 1] == "." and any(spelling.dotted for spelling in candidates):
            end += 1
        if entry.kind == "person" and first == last and self._name_goes_on(body, words, last):
            # 'Kim' of 'Kim Dzsong Il' is not Kim Dzsongun, whose alias 'Kim' is.
            return None
        exact = any(spelling.plain == plain for spelling in candidates)
        rule = "catalogue-suffix" if suffixed else "catalogue-name" if exact else "catalogue-spelling"
        confidence = {"catalogue-name": 0.95, "catalogue-suffix": 0.9, "catalogue-spelling": 0.85}[rule]
        return Suggestion(
            kind="entity",
            start=start,
            end=end,
            text=body[start:end],
            rule=rule,
            confidence=confidence,
            entity=entry.name,
            entity_id=entry.id,
            entity_kind=entry.kind,
        )

    def _name_goes_on(self, body: str, words: list[re.Match], last: int) -> bool:
        """Whether a capitalised word follows at once, continuing a longer name not catalogued."""
        if last + 1 >= len(words):
            return False
        after = words[last + 1]
        return body[words[last].end() : after.start()] == " " and after[0][:1].isupper()
