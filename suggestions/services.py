"""The one write path for stored suggestions: storing what the recognisers propose, accepting and rejecting.

Suggesting is set-based, for the background worker that suggests for every imported article:
per chunk of articles, one query for their bodies, one for the spans annotated already, one for
the pending suggestions stored, at most one DELETE and one INSERT … ON CONFLICT DO NOTHING. The
unique constraint on (article, kind, start, end) is what keeps a decided suggestion from coming back.

Accepting makes a normal annotation through annotations.services (and a proposed entity through
entities.services), under the same transaction.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require
from annotations import services as annotation_services
from annotations.models import Annotation
from articles.models import Article
from entities import services as entity_services
from entities.models import Entity
from history.context import recorded
from suggestions import suggesting
from suggestions.models import Suggestion
from suggestions.recognisers import Suggestion as Suggested

# Articles suggested for in one round of queries: their bodies are in memory together.
CHUNK_SIZE = 200
ANNOTATE = "annotations.add_annotation"


class AlreadyDecided(ValueError):
    """The suggestion was accepted or rejected already (by someone else, or in another tab)."""


def suggest_for_article(article: Article, *, by=None) -> int:
    """Suggest for one article now (its page's Suggest button), against the catalogue as it is.

    ``by``, when given, must be allowed to annotate. Returns how many suggestions are pending for it.
    """
    if by is not None:
        require(by, ANNOTATE, _("You may not annotate articles."))
    _store([article.pk])
    return Suggestion.objects.filter(article_id=article.pk).pending().count()


def suggest_for_articles(article_ids: Iterable[int], *, chunk_size: int = CHUNK_SIZE) -> int:
    """Suggest for many articles (after an import, in the background), ``chunk_size`` at a time,
    each chunk in a transaction of its own. Ids of articles deleted meanwhile are passed over.
    Returns how many suggestions were stored new."""
    stored = 0
    for chunk in _chunks(article_ids, chunk_size):
        stored += _store(chunk)
    return stored


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    ids = iter(ids)
    while chunk := list(islice(ids, size)):
        yield chunk


@transaction.atomic
def _store(article_ids: list[int]) -> int:
    """Replace the pending suggestions of these articles with what the recognisers propose now.

    A pending suggestion proposed again keeps its row (and id, which a page may show); one not
    proposed any more is deleted; a decided one stays as it is and blocks its span (ON CONFLICT).
    Spans annotated already with the same kind, by anyone, are not proposed.
    """
    bodies = dict(Article.objects.filter(pk__in=article_ids).values_list("pk", "body"))
    if not bodies:
        return 0
    annotated = set(
        Annotation.objects.filter(article_id__in=bodies, kind__in=Suggestion.Kind.values).values_list(
            "article_id", "kind", "start", "end"
        )
    )
    pending = {
        (article_id, kind, start, end): pk
        for pk, article_id, kind, start, end in Suggestion.objects.filter(article_id__in=bodies)
        .pending()
        .values_list("pk", "article_id", "kind", "start", "end")
    }
    in_use = suggesting.recognisers()  # compiled once for the chunk
    rows: dict[tuple, dict] = {}
    for article_id, body in bodies.items():
        found = [suggested for recogniser in in_use for suggested in recogniser.suggest(body)]
        for suggested in found:
            key = (article_id, suggested.kind, suggested.start, suggested.end)
            if key in annotated or suggested.kind not in KINDS:
                continue
            if key not in rows or rows[key]["confidence"] < suggested.confidence:
                rows[key] = stored_columns(article_id, body, suggested)
    stale = [pk for key, pk in pending.items() if key not in rows]
    if stale:
        # Still pending: one accepted or rejected since it was read is a decision, kept (PostgreSQL
        # checks the condition again once the deciding transaction has let go of the row).
        Suggestion.objects.filter(pk__in=stale).pending().delete()
    return _insert([row for key, row in rows.items() if key not in pending])


# The columns a new suggestion is stored with; the rest keep their defaults (pending, undecided).
INSERTED = ("article_id", "kind", "start", "end", "exact", "rule", "confidence", "entity_id", "proposed_name",
            "proposed_kind", "direct", "cue", "source_type")  # fmt: skip
INSERT_SUGGESTIONS = f"""
INSERT INTO {Suggestion._meta.db_table} ({", ".join(f'"{column}"' for column in INSERTED)}, status, created_at)
SELECT *, %s, now() FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::int[], %s::text[], %s::text[],
                               %s::float8[], %s::bigint[], %s::text[], %s::text[], %s::bool[], %s::text[], %s::text[])
ON CONFLICT DO NOTHING
"""


def _insert(rows: list[dict]) -> int:
    """Store new suggestions in one statement; one that a decided suggestion blocks is skipped.

    Plain values and one unnest() INSERT rather than model instances and bulk_create(): at tens of
    suggestions an article, building the instances and the ORM's statement was most of the
    background step's time.
    """
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SUGGESTIONS, [PENDING, *([row[column] for row in rows] for column in INSERTED)])
        return cursor.rowcount


# Looked up once, not per suggestion: stored values, and the lengths the columns allow.
KINDS = frozenset(Suggestion.Kind.values)
ENTITY_KINDS = frozenset(Entity.Kind.values)
SOURCE_TYPES = frozenset(Annotation.SourceType.values)
PENDING = Suggestion.Status.PENDING.value
QUOTE, SOURCE = Suggestion.Kind.QUOTE.value, Suggestion.Kind.SOURCE.value
RULE_LENGTH, NAME_LENGTH, CUE_LENGTH = (
    Suggestion._meta.get_field(name).max_length for name in ("rule", "proposed_name", "cue")
)


def stored_columns(article_id: int, body: str, suggested: Suggested) -> dict:
    """The stored row (as column values) of what a recogniser proposed: a catalogued entity by its
    id, any other name as a proposal to create on acceptance, and only the details the kind has."""
    row = {
        "article_id": article_id,
        "kind": suggested.kind,
        "start": suggested.start,
        "end": suggested.end,
        "exact": body[suggested.start : suggested.end],
        "rule": suggested.rule[:RULE_LENGTH],
        "confidence": min(1.0, max(0.0, float(suggested.confidence))),
        "entity_id": suggested.entity_id,
        "proposed_name": "",
        "proposed_kind": "",
        "direct": None,
        "cue": "",
        "source_type": "",
    }
    name = " ".join((suggested.entity or "").split())[:NAME_LENGTH] if suggested.entity_id is None else ""
    if name:
        row["proposed_name"] = name
        kind = suggested.entity_kind
        row["proposed_kind"] = kind if kind in ENTITY_KINDS else Entity.Kind.OTHER.value
    if suggested.kind == QUOTE:
        row["direct"] = suggested.direct
        row["cue"] = (suggested.cue or "")[:CUE_LENGTH]
    if suggested.kind == SOURCE:
        # Recognisers that tell a source's type give it as source_type; older ones do not.
        source_type = getattr(suggested, "source_type", None) or ""
        row["source_type"] = source_type if source_type in SOURCE_TYPES else ""
    return row


def details_of(suggestion: Suggestion) -> dict:
    """The annotation details a suggestion proposes for its kind (what accepting it fills in)."""
    if suggestion.kind == Suggestion.Kind.QUOTE:
        quote_type = ""
        if suggestion.direct is not None:
            quote_type = Annotation.QuoteType.DIRECT if suggestion.direct else Annotation.QuoteType.INDIRECT
        return {"quote_type": quote_type, "cue_verb": suggestion.cue}
    if suggestion.kind == Suggestion.Kind.SOURCE:
        return {"source_type": suggestion.source_type}
    return {}


@recorded
@transaction.atomic
def accept(suggestion: Suggestion, *, by, changes: dict | None = None) -> Annotation:
    """Make the suggestion a normal annotation of ``by``, its entity filled in: the catalogued one,
    or the proposed one (the entity of that name and kind, created now if there is none).

    ``changes`` (the editor's, made before accepting) may hold ``start`` and ``end`` (checked by the
    caller against the article), ``entity`` (an Entity or None) or ``new_entity`` (name, kind), and
    the kind's details (quote_type, cue_verb, source_type, note). Raises AlreadyDecided when it was
    accepted or rejected meanwhile, Suggestion.DoesNotExist when it is gone.
    """
    require(by, ANNOTATE, _("You may not annotate articles."))
    return _accept(_lock(suggestion), by=by, changes=changes)


def _accept(suggestion: Suggestion, *, by, changes: dict | None = None, article: Article | None = None) -> Annotation:
    """accept() of a suggestion locked and pending, in the caller's transaction; ``article``: its
    article with the body, when the caller has it (accept_all(), for every suggestion)."""
    changes = dict(changes or {})
    start, end = changes.pop("start", suggestion.start), changes.pop("end", suggestion.end)
    if "entity" in changes or "new_entity" in changes:
        entity = changes.pop("entity", None)
        if new_entity := changes.pop("new_entity", None):
            name, kind = new_entity
            entity = entity_services.find_or_create_entity(name=name, kind=kind, by=by)
    elif suggestion.entity_id:
        entity = suggestion.entity
    elif suggestion.proposed_name:
        entity = entity_services.find_or_create_entity(
            name=suggestion.proposed_name, kind=suggestion.proposed_kind, by=by
        )
    else:
        entity = None
    details = details_of(suggestion) | changes
    if article is None:
        article = Article.objects.only("id", "body").get(pk=suggestion.article_id)
    annotation, _name, _created = annotation_services.create_suggested_annotation(
        article=article,
        kind=suggestion.kind,
        start=start,
        end=end,
        by=by,
        rule=suggestion.rule,
        confidence=suggestion.confidence,
        entity=entity,
        **details,
    )
    _decide(suggestion, Suggestion.Status.ACCEPTED, by=by, annotation=annotation)
    return annotation


@recorded
@transaction.atomic
def reject(suggestion: Suggestion, *, by) -> Suggestion:
    """Never propose it again for its article. Raises AlreadyDecided when it was decided meanwhile."""
    require(by, ANNOTATE, _("You may not annotate articles."))
    suggestion = _lock(suggestion)
    _decide(suggestion, Suggestion.Status.REJECTED, by=by)
    return suggestion


@recorded
@transaction.atomic
def accept_all(article: Article, kind: str, *, by) -> list[Annotation]:
    """Accept every pending suggestion of ``kind`` for the article, in the order of the text: all or none."""
    require(by, ANNOTATE, _("You may not annotate articles."))
    if kind not in Suggestion.Kind.values:
        raise ValueError(f"Unknown kind of suggestion: {kind!r}")
    # All locked first, before any annotation locks the article (its counts trigger): locked one
    # by one, an accept holding a later one and waiting for the article was a deadlock. One
    # decided while this waited for it is passed over (PostgreSQL checks "pending" again).
    pending = (
        Suggestion.objects.select_for_update(of=("self",))
        .filter(article_id=article.pk, kind=kind)
        .pending()
        .in_text_order()
        .select_related("entity")
    )
    pending = list(pending)  # locked, and pending while locked: each accepted as it is
    if not pending:
        return []
    article = Article.objects.only("id", "body").get(pk=article.pk)
    return [_accept(suggestion, by=by, article=article) for suggestion in pending]


def _lock(suggestion: Suggestion) -> Suggestion:
    """The suggestion as stored, locked until the transaction ends; AlreadyDecided unless pending."""
    locked = (
        Suggestion.objects.select_for_update(of=("self",)).select_related("entity").filter(pk=suggestion.pk).first()
    )
    if locked is None:
        raise Suggestion.DoesNotExist(_("This suggestion is gone: it was suggested anew meanwhile."))
    if locked.status != Suggestion.Status.PENDING:
        raise AlreadyDecided(
            _("This suggestion was accepted already.")
            if locked.status == Suggestion.Status.ACCEPTED
            else _("This suggestion was rejected already.")
        )
    return locked


def _decide(suggestion: Suggestion, status: str, *, by, annotation: Annotation | None = None) -> None:
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, by, timezone.now()
    suggestion.annotation = annotation
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "annotation"])
