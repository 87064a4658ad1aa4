"""What a search box's text finds in articles: one PostgreSQL tsquery over Article.search_vector.

The vector holds the title and text stemmed with ``hungarian``, and the capitalised words (names,
mostly) once more, unstemmed and unaccented, with ``simple`` (articles.models). The text is read
as ``websearch_to_tsquery`` reads it (words all required, ``"quoted phrases"``, ``-excluded``),
and each word typed matches

- its Hungarian stem: ``oroszok`` finds ``orosz``, ``hírügynökségnek`` finds ``hírügynökség``;
- the start of an indexed word, accents aside, if it has four letters or more (fewer would match
  half the dictionary): ``sojgu`` finds ``Sojgunak``, ``phenjan`` finds ``Phenjanba``;
- typed without accents, each accented spelling of it, stemmed: ``katonak`` finds ``katonák``.
  The query is expanded rather than the text indexed unaccented a second time, which would double
  what the importer spends computing the vector (most of an import's cost); a word with more than
  MAX_SPELLINGS spellings, and any word after the first MOST_SPELLED_WORDS, is left as typed.

Words the catalogue knows as one entity's name, alias or transliteration also find the entity's
other spellings (``Kim Jong Un`` finds ``Kim Dzsongun``, and ``Kim Dzsongunnal``).

A phrase is matched in the vector with its words in order, but ``hungarian`` drops its stop words
(``a``, ``nem``, ``minden``…) from vectors and queries alike: ``"nem minden áron"`` would be just
``ár``. So a phrase with stop words is also looked for in the text itself, its words in order as
whole words (the others with any ending), in any case (ArticleQuery.condition).
"""

import functools
import itertools
import operator
import re
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import Regex
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from entities.spelling import unaccented

MAX_SPELLINGS = 256
# Words of a query that get their accented spellings: the query stays small however long the text.
MOST_SPELLED_WORDS = 8
SHORTEST_PREFIX = 4
MOST_ENTITIES = 5
# The letters a Hungarian word typed without accents may stand for.
ACCENTED = {"a": "aá", "e": "eé", "i": "ií", "o": "oóöő", "u": "uúüű"}
# Marks around the matched words in ts_headline's output: private-use characters, never in an
# article (the importer keeps letters, punctuation and spaces), made into <mark> after escaping.
START, STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
# "quoted phrase", -"excluded phrase", -excluded, word: as websearch_to_tsquery splits them.
TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
WORD = re.compile(r"\w+")


def spellings(word: str) -> list[str]:
    """The accented spellings a word typed without accents may stand for, itself last; just the
    word when it has an accent, anything but a letter, or more than MAX_SPELLINGS spellings."""
    word = word.casefold()
    if not word.isascii() or not word.isalpha():
        return [word]
    options = [ACCENTED.get(letter, letter) for letter in word]
    count = 1
    for option in options:
        count *= len(option)
    if count > MAX_SPELLINGS:
        return [word]
    return sorted(("".join(letters) for letters in itertools.product(*options)), key=lambda w: w == word)


def _raw(tokens: list[str], *, prefix: bool) -> str:
    """A to_tsquery phrase of word tokens (letters and digits only, so nothing to escape)."""
    return " <-> ".join(f"'{token}'" for token in tokens) + (":*" if prefix else "")


def _word(word: str, *, spelled: bool = True) -> SearchQuery:
    """What one typed word matches (module docstring); its accented spellings only if ``spelled``."""
    query = SearchQuery(word, config="hungarian", search_type="plain")
    tokens = WORD.findall(unaccented(word))
    if len(tokens) > 1:
        # 'eszak-koreai': each part as a word of its own ('Észak-koreai' is indexed in parts).
        parts = [_word(part, spelled=spelled) for part in WORD.findall(word)]
        return query | functools.reduce(operator.and_, parts)
    if tokens:
        prefix = len(tokens) == 1 and len(tokens[0]) >= SHORTEST_PREFIX
        query |= SearchQuery(_raw(tokens, prefix=prefix), config="simple", search_type="raw")
    others = spellings(word)[:-1] if spelled else []
    if others:
        query |= SearchQuery(" | ".join(f"'{other}'" for other in others), config="hungarian", search_type="raw")
    return query


def _phrase(words: str) -> SearchQuery:
    return SearchQuery(words, config="hungarian", search_type="phrase")


def _stop_words(words: set[str]) -> set[str]:
    """Those of the (lower-case) words that ``hungarian`` drops from vectors and queries."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE ts_lexize('hungarian_stem', word) = '{}'",
            [sorted(words)],
        )
        return {word for (word,) in cursor.fetchall()}


def _in_text(phrase: str, stop_words: set[str]) -> Q:
    """The phrase's words in this order in the article's title or text, nothing but spaces and
    punctuation between them, in any case: a stop word whole, any other word with any ending (the
    vector's phrase match has checked its stem)."""
    words = WORD.findall(phrase.casefold())
    pattern = r"\W+".join(rf"\m{_any_case(word)}" + (r"\M" if word in stop_words else r"\w*") for word in words)
    text = Concat(F("title"), Value(" "), F("body"), output_field=TextField())
    # Coalesce: PostgreSQL would take the pattern for one that few texts match (it has no
    # statistics to tell), and test it on every article the rest of the query finds (seconds for
    # "a katonák" at 100,000) rather than walk them in the list's order, testing them until it
    # has a page. Its estimate of a COALESCE is half of them.
    return Q(Coalesce(Regex(text, pattern), Value(False)))


def _any_case(word: str) -> str:
    """A regular expression for the word (letters, digits, _) in any case, without asking the
    database's locale, which may know the case of ASCII letters only."""
    return "".join(
        f"[{letter}{letter.upper()}]" if len(letter.upper()) == 1 and letter.upper() != letter else letter
        for letter in word
    )


class Term(NamedTuple):
    text: str  # a word, or a phrase without its quote marks
    phrase: bool
    excluded: bool  # typed with a minus


def terms(text: str) -> list[Term]:
    """The search box's text as websearch_to_tsquery reads it, in order: words, "quoted phrases",
    -excluded words and -"phrases"; empty phrases and a lone minus are nothing."""
    found = []
    for match in TERM.finditer(text):
        minus_phrase, phrase, minus, word = match.groups()
        if phrase is not None:
            if phrase.strip():
                found.append(Term(phrase.strip(), phrase=True, excluded=bool(minus_phrase)))
        elif minus and word:
            found.append(Term(word, phrase=False, excluded=True))
        elif word and word != "-":
            found.append(Term(word, phrase=False, excluded=False))
    return found


class ArticleQuery(NamedTuple):
    """What a search's text asks of articles: ``tsquery``, over their search vector, which also
    ranks them and marks the words found; ``condition``, the whole test, to filter by: the tsquery,
    and where a phrase has stop words (the module's docstring), the phrase in the text."""

    tsquery: SearchQuery
    condition: Q


def _excluded(word: str) -> SearchQuery:
    """Nothing ``_word()`` would match; a tsquery can only negate its parts one by one."""
    query = ~SearchQuery(word, config="hungarian", search_type="plain")
    if tokens := WORD.findall(unaccented(word)):
        query &= ~SearchQuery(_raw(tokens, prefix=False), config="simple", search_type="raw")
    return query


def catalogued(text: str) -> list:
    """The entities (up to MOST_ENTITIES) whose name, alias or transliteration the text is."""
    from entities.models import Entity  # entities' models import the articles app

    return list(Entity.objects.matching(text).filter(exact=True).only("name", "aliases")[:MOST_ENTITIES])


def _catalogued_spellings(entities) -> SearchQuery | None:
    """Every spelling of the entities, each as a phrase, its last word with any case ending;
    None when there are none."""
    query = None
    for entity in entities:
        for spelling in {entity.name, *entity.aliases}:
            if tokens := WORD.findall(unaccented(spelling)):
                phrase = SearchQuery(_raw(tokens, prefix=True), config="simple", search_type="raw")
                query = phrase if query is None else query | phrase
    return query


def article_query(text: str, *, catalogue=catalogued) -> ArticleQuery | None:
    """What the text asks of articles; None when it asks for nothing (only exclusions, or empty).
    ``catalogue``: what finds the entities the words name (catalogued(), or the same from what a
    caller looked up already)."""
    typed = terms(text)
    words = [term.text for term in typed if not term.phrase and not term.excluded]
    phrases = [term.text for term in typed if term.phrase and not term.excluded]
    excluded_words = [term.text for term in typed if not term.phrase and term.excluded]
    excluded_phrases = [term.text for term in typed if term.phrase and term.excluded]
    found = None
    words = _each_once(words)
    for place, word in enumerate(words):
        term = _word(word, spelled=place < MOST_SPELLED_WORDS)
        found = term if found is None else found & term
    if found is not None and (spelled := _catalogued_spellings(catalogue(" ".join(words)))) is not None:
        found |= spelled
    phrase_words = {word for phrase in (*phrases, *excluded_phrases) for word in WORD.findall(phrase.casefold())}
    stop_words = _stop_words(phrase_words) if phrase_words else set()

    def has_stop_words(phrase: str) -> bool:
        return not stop_words.isdisjoint(WORD.findall(phrase.casefold()))

    in_text = Q()
    for phrase in phrases:
        found = _phrase(phrase) if found is None else found & _phrase(phrase)
        if has_stop_words(phrase):
            in_text &= _in_text(phrase, stop_words)
    if found is None:
        return None
    for word in excluded_words:
        found &= _excluded(word)
    for phrase in excluded_phrases:
        if has_stop_words(phrase):
            # Kept out of the tsquery: without its stop words, the phrase would exclude more than it says.
            in_text &= ~(Q(search_vector=_phrase(phrase)) & _in_text(phrase, stop_words))
        else:
            found &= ~_phrase(phrase)
    return ArticleQuery(found, Q(search_vector=found) & in_text)


def _each_once(words: list[str]) -> list[str]:
    """The words in their order, a word repeated (in any case) only the first time."""
    first = {}
    for word in words:
        first.setdefault(word.casefold(), word)
    return list(first.values())


def marked_snippet(headline: str) -> SafeString:
    """ts_headline's output (START and STOP around the matched words) as HTML: the text escaped,
    the matched words in <mark>."""
    parts = MARKED.split(headline)
    # split() puts the words matched at the odd places.
    return format_html_join(
        "",
        "{}",
        (
            (_plain(part) if place % 2 == 0 else format_html("<mark>{}</mark>", _plain(part)),)
            for place, part in enumerate(parts)
        ),
    )


def _plain(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")
