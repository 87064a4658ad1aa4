"""What one search finds, in groups: articles, entities, quotes, claims.

Each group is a few rows, its count (counted up to MOST_COUNTED, then shown as "1000+": counting
every match of a common word would cost more than the rest of the page) and the addresses of the
pages that show all of it. A group is there only for someone who may read what it holds.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from annotations.models import Annotation
from articles import searching
from articles.models import Article
from articles.searching import marked_snippet
from desks import queries as desks
from entities.models import Entity
from newsroom.counting import MOST_COUNTED, bounded_count

# Articles ranked for the best matches, at most: the newest of those found (articles()).
RANKED_AMONG = 200
ARTICLES_SHOWN = 10
OTHERS_SHOWN = 5
# The entities the text may name, at most: the entities group shows the first, the quotes and
# claims groups take the first who spoke or claimed among them (Named).
NAMED_AMONG = 20


@dataclass
class Group:
    name: str
    title: str
    rows: list
    count: int
    # (label, address) of the pages that list all of the group.
    see_all: list[tuple[str, str]] = field(default_factory=list)
    # Articles only: how many of the newest found the best were chosen among, when not all.
    ranked_among: int | None = None

    @property
    def count_display(self) -> str:
        return f"{MOST_COUNTED}+" if self.count > MOST_COUNTED else str(self.count)


def _address(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@dataclass
class Named:
    """The catalogue's entities best matching the text (Entity.objects.matching()), the first
    NAMED_AMONG of them, each knowing whether it has quotes and claims: looked up once for the
    entities, quotes and claims groups and the articles' query, which had each looked them up
    (5.5 to 8 ms a time)."""

    text: str
    entities: list[Entity]

    @classmethod
    def of(cls, text: str) -> "Named":
        """The entities the words of a search's text name (plain_words(): its -excluded words are
        not asked for)."""
        text = plain_words(text).words
        if not text:
            return cls(text, [])

        def has(kind: str) -> Exists:
            return Exists(Annotation.objects.filter(kind=kind, entity=OuterRef("pk")))

        found = Entity.objects.matching(text).annotate(
            has_quotes=has(Annotation.Kind.QUOTE), has_claims=has(Annotation.Kind.CLAIM)
        )
        return cls(text, list(found.only("name", "kind", "aliases")[:NAMED_AMONG]))

    def first(self, kind: str) -> Entity | None:
        """The best match with annotations of ``kind`` (quotes: a speaker; claims: a claimant),
        as desks.queries.entity_named() finds it."""
        has = "has_quotes" if kind == Annotation.Kind.QUOTE else "has_claims"
        found = next((entity for entity in self.entities if getattr(entity, has)), None)
        if found is None and len(self.entities) == NAMED_AMONG:
            # There are more matches: among all of them, as the desks look (a query more).
            return desks.entity_named(self.text, kind=kind)
        return found

    def exactly(self, words: str) -> list[Entity]:
        """The entities ``words`` name exactly (articles.searching.catalogued()): among those
        looked up when they are the text's words (which come first), else looked up."""
        if words.split() != self.text.split():
            return searching.catalogued(words)
        return [entity for entity in self.entities if entity.exact][: searching.MOST_ENTITIES]

    def count(self) -> int:
        """All the matches, up to MOST_COUNTED + 1."""
        if len(self.entities) < NAMED_AMONG:
            return len(self.entities)
        return bounded_count(Entity.objects.matching(self.text).values("pk"))


def articles(text: str, *, by_date: bool, named: Named | None = None) -> Group:
    """The articles found, best match first (or newest first). Ranking reads each article's search
    vector, some 40 µs an article: a word most articles have would take seconds to rank. So when
    more than RANKED_AMONG are found, the best are chosen among the newest RANKED_AMONG (found
    by the index, no vector read), and the group says so."""
    query = searching.article_query(text, catalogue=searching.catalogued if named is None else named.exactly)
    # The newest, counted as they come (one query: the count and the newest apart took longer).
    newest = [] if query is None else Article.objects.filter(query.condition).newest_ids(MOST_COUNTED + 1)
    fields = ("title", "published_on", "date_precision")
    if query is None:
        rows = []
    elif by_date:
        shown = Article.objects.filter(pk__any_of=newest[:ARTICLES_SHOWN])
        rows = sorted(shown.with_headline(query.tsquery).only(*fields), key=lambda article: newest.index(article.pk))
    else:
        ranked = Article.objects.filter(pk__any_of=newest[:RANKED_AMONG]).ranked_by(query.tsquery).only(*fields)
        rows = list(ranked.order_by("-rank", "-published_on", "-id")[:ARTICLES_SHOWN])
    for article in rows:
        article.snippet = marked_snippet(article.headline)
    see_all = [(_("All articles found"), _address("articles:list", q=text))]
    ranked_among = RANKED_AMONG if len(newest) > RANKED_AMONG and not by_date else None
    return Group("articles", _("Articles"), rows, len(newest), see_all, ranked_among)


def entities(named: Named) -> Group:
    see_all = [(_("All entities found"), _address("entities:list", q=named.text))]
    return Group("entities", _("Entities"), named.entities[:OTHERS_SHOWN], named.count(), see_all)


class Said(NamedTuple):
    """What the quotes and the claims groups have each of their own."""

    name: str
    title: str
    desk: str  # the desk's URL name
    parameter: str  # the desk's parameter for the entity who said it
    with_words: str
    of_entity: str  # "%(name)s"


SAID = {
    Annotation.Kind.QUOTE: Said(
        "quotes", gettext_lazy("Quotes"), "desks:quotes", "speaker",
        gettext_lazy("Quotes with these words"), gettext_lazy("Quotes of %(name)s"),
    ),
    Annotation.Kind.CLAIM: Said(
        "claims", gettext_lazy("Claims"), "desks:claims", "claimant",
        gettext_lazy("Claims with these words"), gettext_lazy("Claims of %(name)s"),
    ),
}  # fmt: skip


def quotes(text: str, named: Named) -> Group:
    return _said(Annotation.Kind.QUOTE, text, named)


def claims(text: str, named: Named) -> Group:
    return _said(Annotation.Kind.CLAIM, text, named)


def _said(kind: str, text: str, named: Named) -> Group:
    """The quotes or the claims group: the first found, their count, and the desk's pages of them
    (of the entity the words name, then with the words)."""
    said, entity = SAID[kind], named.first(kind)
    see_all = []
    if entity is not None:
        see_all.append((str(said.of_entity) % {"name": entity.name}, _desk(said.desk, said.parameter, entity)))
    if words := plain_words(text).words:
        # The desk looks for its words as typed: without the search box's quote marks and exclusions.
        see_all.append((str(said.with_words), _address(said.desk, words=words)))
    return Group(said.name, str(said.title), *_rows_and_count(*_annotations(kind, text, entity)), see_all)


def _desk(name: str, parameter: str, entity: Entity) -> str:
    return _address(name, **{parameter: entity.pk})


def _annotations(kind: str, text: str, entity: Entity | None) -> tuple[QuerySet[Annotation], bool]:
    """Quotes or claims with the words typed in them, as typed (case and accents aside:
    AnnotationQuerySet.containing()), or by the entity the words name, and none with an -excluded
    word or phrase in them; and whether the words are in most of them
    (AnnotationQuerySet.mostly_containing()). The search box's syntax is not part of the words: a
    "phrase" is looked for without its quote marks (as whole words when it is all that is typed)."""
    words, whole, excluded = plain_words(text)
    if words:
        walk = Annotation.objects.mostly_containing(kind, words, whole=whole)
        found = Annotation.objects.containing(kind, words, whole=whole, or_of=entity, narrowed=not walk)
    else:
        walk, found = False, Annotation.objects.filter(kind=kind)
        found = found.filter(entity=entity) if entity is not None else found.none()
    for term in excluded:
        found = found.not_containing(kind, term)
    return found, walk


class PlainWords(NamedTuple):
    words: str  # the words and phrases asked for, without quote marks
    whole: bool  # whether they are one "quoted phrase" (whole words, then)
    excluded: list[str]  # the -excluded words and phrases


def plain_words(text: str) -> PlainWords:
    """The words and phrases of a search's text (articles.searching.terms())."""
    typed = searching.terms(text)
    kept = [term.text for term in typed if not term.excluded]
    phrases = sum(term.phrase for term in typed if not term.excluded)
    # '--' excludes no word from quotes and claims.
    excluded = [term.text for term in typed if term.excluded and searching.WORD.search(term.text)]
    return PlainWords(" ".join(kept), phrases == len(kept) == 1, excluded)


def _rows_and_count(found: QuerySet[Annotation], walk: bool) -> tuple[list[Annotation], int]:
    """The first rows in desk order and the count, up to MOST_COUNTED + 1 (shown as "1000+"):
    AnnotationQuerySet.newest_of_first()."""
    count, shown = found.newest_of_first(MOST_COUNTED + 1, OTHERS_SHOWN, walk=walk)
    rows = sorted(desks.desk_rows(Annotation.objects.filter(pk__in=shown)), key=lambda row: shown.index(row.pk))
    return rows, count
