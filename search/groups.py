"""What one search finds, in groups: articles, entities, quotes, claims.

Each group is a few rows, its count (counted up to MOST_COUNTED, then shown as "1000+": counting
every match of a common word would cost more than the rest of the page) and the addresses of the
pages that show all of it. A group is there only for someone who may read what it holds.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from annotations.models import Annotation
from articles import searching
from articles.models import Article
from articles.searching import marked_snippet
from desks import queries as desks
from entities.models import Entity
from newsroom.counting import MOST_COUNTED, bounded_count

# Articles ranked for the best matches, at most: the newest of those found (articles()).
RANKED_AMONG = 500
ARTICLES_SHOWN = 10
OTHERS_SHOWN = 5


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


def articles(text: str, *, by_date: bool) -> Group:
    """The articles found, best match first (or newest first). Ranking reads each article's search
    vector, some 40 µs an article: a word most articles have would take seconds to rank. So when
    more than RANKED_AMONG are found, the best are chosen among the newest RANKED_AMONG (found
    by the index, no vector read), and the group says so."""
    query = searching.article_query(text)
    found = Article.objects.none() if query is None else Article.objects.filter(search_vector=query)
    count = len(found.found_ids(MOST_COUNTED + 1))
    fields = ("title", "published_on", "date_precision")
    newest = ["-published_on", "-id"]
    if query is None:
        rows = []
    elif by_date:
        shown = Article.objects.filter(pk__any_of=found.newest_ids(ARTICLES_SHOWN))
        rows = list(shown.with_headline(query).only(*fields).order_by(*newest))
    else:
        if count > RANKED_AMONG:
            found = Article.objects.filter(pk__any_of=found.newest_ids(RANKED_AMONG))
        rows = list(found.ranked_by(query).only(*fields).order_by("-rank", *newest)[:ARTICLES_SHOWN])
    for article in rows:
        article.snippet = marked_snippet(article.headline)
    see_all = [(_("All articles found"), _address("articles:list", q=text))]
    ranked_among = RANKED_AMONG if count > RANKED_AMONG and not by_date else None
    return Group("articles", _("Articles"), rows, count, see_all, ranked_among)


def entities(text: str) -> Group:
    found = Entity.objects.matching(text).only("name", "kind", "aliases")
    rows = list(found[:OTHERS_SHOWN])
    see_all = [(_("All entities found"), _address("entities:list", q=text))]
    return Group("entities", _("Entities"), rows, bounded_count(found.values("pk")), see_all)


def quotes(text: str) -> Group:
    speaker = desks.entity_named(text, kind=Annotation.Kind.QUOTE)
    found = _annotations(Annotation.Kind.QUOTE, text, speaker)
    see_all = [(_("Quotes with these words"), _address("desks:quotes", words=text))]
    if speaker is not None:
        see_all.insert(0, (_("Quotes of %(name)s") % {"name": speaker.name}, _desk("desks:quotes", "speaker", speaker)))
    return Group("quotes", _("Quotes"), *_rows_and_count(found), see_all)


def claims(text: str) -> Group:
    claimant = desks.entity_named(text, kind=Annotation.Kind.CLAIM)
    found = _annotations(Annotation.Kind.CLAIM, text, claimant)
    see_all = []
    if claimant is not None:
        see_all.append((_("Claims of %(name)s") % {"name": claimant.name}, _desk("desks:claims", "claimant", claimant)))
    return Group("claims", _("Claims"), *_rows_and_count(found), see_all)


def _desk(name: str, parameter: str, entity: Entity) -> str:
    return _address(name, **{parameter: entity.pk})


def _annotations(kind: str, text: str, entity: Entity | None) -> QuerySet[Annotation]:
    """Quotes or claims with the words typed in them, as typed (case and accents aside:
    AnnotationQuerySet.containing()), or by the entity the words name. The search box's syntax
    is not part of the words: a "phrase" is looked for without its quote marks (as whole words
    when it is all that is typed), and -excluded words not at all."""
    of_kind = Annotation.objects.filter(kind=kind)
    words, whole = _plain_words(text)
    if words:
        return of_kind.containing(words, whole=whole, or_of=entity)
    return of_kind.filter(entity=entity) if entity is not None else of_kind.none()


def _plain_words(text: str) -> tuple[str, bool]:
    """The words and phrases of the text, as articles.searching reads it, without the exclusions;
    and whether they are one "quoted phrase" (whole words, then)."""
    kept, phrases = [], 0
    for match in searching.TERM.finditer(text):
        minus_phrase, phrase, minus, word = match.groups()
        if phrase is not None and not minus_phrase:
            if phrase.strip():
                kept.append(phrase.strip())
                phrases += 1
        elif word and not minus and word != "-":
            kept.append(word)
    return " ".join(kept), phrases == len(kept) == 1


def _rows_and_count(found: QuerySet[Annotation]) -> tuple[list[Annotation], int]:
    """The first rows in desk order, and the count (up to MOST_COUNTED + 1), from one bounded scan:
    the rows are chosen among the MOST_COUNTED + 1 found first, which is all of them unless the
    count shows "1000+". (A common word is in most claims; putting all of them in desk order
    meant checking each one's text, seconds at 2 million annotations.)"""
    first = list(found.order_by().values_list("pk", "article_id", "start")[: MOST_COUNTED + 1])
    if not first:
        return [], 0
    # Put in desk order here: joined to the articles, PostgreSQL would walk every article by date.
    published = dict(Article.objects.filter(pk__any_of={row[1] for row in first}).values_list("pk", "published_on"))
    first.sort(key=lambda row: (-published[row[1]].toordinal(), -row[1], row[2], row[0]))
    shown = [row[0] for row in first[:OTHERS_SHOWN]]
    rows = sorted(desks.desk_rows(Annotation.objects.filter(pk__in=shown)), key=lambda row: shown.index(row.pk))
    return rows, len(first)
