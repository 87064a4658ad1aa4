"""Where an annotation sits in the text: word edges, quotes and their attribution.

Plain functions over an article body and code point offsets; no database.
"""

import itertools
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

from suggestions.attribution import QuoteRecogniser
from suggestions.recognisers import Suggestion

# Joiners that belong to a word when letters stand on both sides: észak-koreai, 9-én, O’Brien.
WORD_JOINERS = "-‐'’"

QUOTE_OPENERS = "„“\"»‚'"
QUOTE_CLOSERS = "”“\"«’'"

# Verbs of saying that attribute a quote (DOMAIN.md), in the forms news prose uses after a quote.
CUE_VERBS = [
    "mondta", "mondja", "elmondta", "közölte", "kifejtette", "fejtette ki", "hangsúlyozta",
    "hozzátette", "tette hozzá", "kijelentette", "jelentette ki", "szögezte le", "ismertette",
    "aláhúzta", "reagált", "fogalmazott", "válaszolta", "válaszolt", "idézte", "írta", "írja",
    "állította", "kérdezte", "nyilatkozta",
]  # fmt: skip
# After a quote: closing mark, optional punctuation, a dash, the cue verb, then maybe a name.
ATTRIBUTION = re.compile(
    r"^[”\"«’']?[.,!?…]?\s*[–—-]\s*(?P<verb>"
    + "|".join(sorted(map(re.escape, CUE_VERBS), key=len, reverse=True))
    + r")\b(?:\s+(?:az?\s+)?(?P<speaker>(?:[A-ZÁÉÍÓÖŐÚÜŰ][\w’'-]*)(?:\s+[A-ZÁÉÍÓÖŐÚÜŰ][\w’'-]*)*))?"
)


def is_word_character(character: str) -> bool:
    return unicodedata.category(character)[0] in "LNM"  # letters, numbers, combining marks


def snap_to_words(body: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen a selection to whole words and trim spaces and punctuation from its edges.

    Returns None when nothing but spaces and punctuation was selected.
    """
    while start < end and not is_word_character(body[start]):
        start += 1
    while end > start and not is_word_character(body[end - 1]):
        end -= 1
    if start == end:
        return None
    while start > 0 and _joins_word(body, start - 1):
        start -= 1
    while end < len(body) and _joins_word(body, end):
        end += 1
    return start, end


def _joins_word(body: str, index: int) -> bool:
    """Whether body[index] continues the word next to it (a letter, or a joiner between letters)."""
    character = body[index]
    if is_word_character(character):
        return True
    return (
        character in WORD_JOINERS
        and 0 < index < len(body) - 1
        and is_word_character(body[index - 1])
        and is_word_character(body[index + 1])
    )


def is_direct_quote(body: str, start: int, end: int) -> bool:
    """A span inside (or made of) quotation marks is a direct quote; otherwise indirect."""
    before = body[max(0, start - 2) : start + 1]
    after = body[max(0, end - 1) : end + 2]
    return any(mark in before for mark in QUOTE_OPENERS) and any(mark in after for mark in QUOTE_CLOSERS)


def suggest_attribution(body: str, end: int) -> tuple[str, str]:
    """The cue verb and speaker that follow a quote ("…” – mondta Kim Dzsongun"), or blanks."""
    match = ATTRIBUTION.match(body[end : end + 120])
    if not match:
        return "", ""
    return match["verb"], match["speaker"] or ""


class AttributedQuote(NamedTuple):
    """A direct quote the recogniser found in a selection: its words (two parts if interrupted)."""

    parts: list[tuple[int, int]]  # the words inside the marks, in the order of the text
    cue: str
    speaker: str  # the catalogue's name where it names the speaker, else the name as written


# A sentence ending inside what was selected besides the quote: more than one sentence was selected.
_ANOTHER_SENTENCE = re.compile(r"[.!?…]\s+\S")
# What may follow a selection snapped to words and still be the quote's: its last stop and closing mark.
_QUOTE_TAIL = ".!?…" + QUOTE_CLOSERS


def attributed_quote(
    body: str, start: int, end: int, mentions: Callable[[str], list[Suggestion]] | None = None
) -> AttributedQuote | None:
    """The one direct quote that body[start:end] is, or holds with its attribution, else None.

    The selection may be the words inside the marks, or the quote with its marks and attribution
    ('„…” – mondta X', 'X: „…”', '„… – írja X – …”'): the quote recogniser (suggestions.attribution)
    reads the paragraphs around it, where the attribution is. None for a selection holding no quote
    or several, or a sentence besides the quote's: which words are meant is then the editor's to say.
    """
    window_start = body.rfind("\n", 0, start) + 1
    window_end = body.find("\n", end)
    window_end = len(body) if window_end < 0 else window_end
    tail = end
    while tail < window_end and body[tail] in _QUOTE_TAIL:
        tail += 1  # snapping took the quote's final stop and mark off the selection
    window = body[window_start:window_end]
    parts = [
        (window_start + found.start, window_start + found.end, found)
        for found in QuoteRecogniser(mentions).suggest(window)
        if found.direct and start <= window_start + found.start and window_start + found.end <= tail
    ]
    if not parts or (len(parts) > 1 and not (len(parts) == 2 and all(p[2].rule == "quote-interrupted" for p in parts))):
        return None
    outside = [
        body[start : parts[0][0]],
        *(body[a[1] : b[0]] for a, b in itertools.pairwise(parts)),
        body[parts[-1][1] : end],
    ]
    if any(_ANOTHER_SENTENCE.search(text) for text in outside):
        return None
    found = parts[0][2]
    return AttributedQuote([(s, e) for s, e, _ in parts], found.cue or "", found.entity or "")
