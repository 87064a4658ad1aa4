"""Suggesting for articles and seed files against the current catalogue (README.md, "Suggestions")."""

from functools import lru_cache

from django.db.models import Count, Max, Sum

from entities.models import Entity
from suggestions.attribution import QuoteRecogniser, SourceRecogniser
from suggestions.names import new_names, outside
from suggestions.recognisers import CatalogueEntry, CatalogueMentions, Recogniser, Suggestion

_compiled: tuple[tuple, CatalogueMentions] | None = None


def catalogue_version() -> tuple:
    """Changes with every entity created, changed or deleted.

    Each entity's version goes up with every change of its name, kind or spellings (a database
    trigger, so bulk updates count too); the count and the last id see deletions and creations.
    """
    summary = Entity.objects.aggregate(count=Count("id"), versions=Sum("version"), last_id=Max("id"))
    return summary["count"], summary["versions"], summary["last_id"]


def catalogue_mentions() -> CatalogueMentions:
    """The mention recogniser over the catalogue as it is, compiled once per catalogue version."""
    global _compiled
    version = catalogue_version()
    if _compiled is None or _compiled[0] != version:
        entries = [
            CatalogueEntry(id=id, name=name, kind=kind, aliases=tuple(aliases))
            for id, name, kind, aliases in Entity.objects.order_by("id").values_list("id", "name", "kind", "aliases")
        ]
        _compiled = (version, CatalogueMentions(entries))
    return _compiled[1]


def recognisers() -> list[Recogniser]:
    """Every recogniser in use: the catalogue's mentions, new names beside them, quotes and sources
    (linked through the mentions)."""
    mentions = catalogue_mentions()
    # The mentions of one body, found once for all of them.
    linked = lru_cache(maxsize=1)(mentions.suggest)
    names = new_names()
    return [
        _Found(linked),
        _Found(lambda body: outside(names.suggest(body), linked(body))),
        QuoteRecogniser(linked),
        SourceRecogniser(linked),
    ]


class _Found:
    """A recogniser answering with suggestions found already (the mentions, shared)."""

    def __init__(self, suggest):
        self.suggest = suggest


def suggest(body: str) -> list[Suggestion]:
    """All recognisers' suggestions for a body, in the order of the text."""
    found = [suggestion for recogniser in recognisers() for suggestion in recogniser.suggest(body)]
    return sorted(found, key=lambda suggestion: (suggestion.start, suggestion.end, suggestion.kind))
