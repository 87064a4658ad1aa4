"""Where an annotation sits in the text: word edges, quotes and their attribution.

Plain functions over an article body and code point offsets; no database.
"""

import re
import unicodedata

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
