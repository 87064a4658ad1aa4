"""One key for the spellings of a name across transliterations (DOMAIN.md). No database."""

import re
import unicodedata

# Hungarian spellings of sounds that English-based transliterations write otherwise (DOMAIN.md).
TRANSLITERATION = {"dzs": "j", "cs": "ch", "zs": "zh", "sz": "s", "gy": "g", "ty": "t", "ny": "n"}
TRANSLITERATION_PATTERN = re.compile("|".join(sorted(TRANSLITERATION, key=len, reverse=True)))


def unaccented(text: str) -> str:
    """Lower case, accents dropped as PostgreSQL's unaccent drops them from Hungarian letters (á → a, ő → o)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def transliterate(text: str) -> str:
    """The Hungarian digraphs of unaccented lower-case text replaced, read left to right: 'dzsong' → 'jong'."""
    return TRANSLITERATION_PATTERN.sub(lambda match: TRANSLITERATION[match[0]], text)


def transliteration_key(name: str) -> str:
    """One key for the spellings of a name: 'Kim Dzsongun' and 'Kim Jong Un' are both 'kimjongun'.

    Accents dropped, letters only, then the Hungarian digraphs replaced, read left to right.
    """
    return transliterate("".join(c for c in unaccented(name) if unicodedata.category(c).startswith("L")))


def spelling_keys(name: str, aliases: list[str]) -> list[str]:
    """The transliteration keys of a name and its aliases, each once."""
    return sorted({transliteration_key(spelling) for spelling in [name, *aliases]} - {""})
