"""The one write path for annotations: each function is atomic and checks the acting user's permission.

Views call these with what their forms validated; nothing else creates, changes or deletes an
Annotation, so this is where history will observe every change. Entities that an annotation
creates or teaches a spelling go through entities.services, under the same transaction.
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require
from annotations.anchoring import AttributedQuote, attributed_quote, is_direct_quote, suggest_attribution
from annotations.models import DETAILS_BY_KIND, Annotation
from articles.models import Article
from entities import services as entity_services
from entities.models import Entity
from history.context import recorded, recording
from history.models import Action, AnnotationEvent, Origin
from history.versions import check_version
from suggestions.suggesting import catalogue_mentions


class NewAnnotation(NamedTuple):
    annotation: Annotation
    entity_name: str  # the name to look up first as its entity
    created: bool  # False: the author had annotated this span so already, and this is that annotation


def _require_known_details(kind: str, details: dict, *, named: str | None = None) -> None:
    """ValueError naming what ``details`` holds that annotations of ``kind`` have not."""
    unknown = set(details) - set(DETAILS_BY_KIND[kind])
    if unknown:
        raise ValueError(f"{named or kind} annotations have no {', '.join(sorted(unknown))}")


def _stored(*, article: Article, start: int, end: int, kind: str, author) -> Annotation | None:
    """The author's annotation of this kind on this span, if stored (one per author, kind and span)."""
    return Annotation.objects.filter(article=article, start=start, end=end, kind=kind, author=author).first()


def create_annotation(*, article: Article, kind: str, start: int, end: int, by) -> NewAnnotation:
    """Annotate body[start:end] (whole words, checked by the caller) with what the text itself tells.

    The name to look up first as its entity is the speaker named after a quote ("…” – mondta
    Kim Dzsongun"), the words themselves for an entity mention. A quote selected whole, with its
    marks and attribution, is the words inside the marks (both parts of an interrupted one, the
    first returned): the same for every client, since the span decides. Creating is idempotent: an
    author has one annotation of a kind per span, so a request sent twice (a key pressed
    twice, a retry after a lost answer) finds the one stored.
    Raises Article.DoesNotExist when the article was deleted meanwhile.
    """
    quote = _attributed_quote(article.body, start, end) if kind == Annotation.Kind.QUOTE else None
    if quote is not None:
        start, end = quote.parts[0]
    try:
        return _create_annotation(article=article, kind=kind, start=start, end=end, by=by, quote=quote)
    except IntegrityError:
        # Its transaction is over (or its savepoint, inside a caller's): the questions can be asked.
        stored = _stored(article=article, start=start, end=end, kind=kind, author=by)
        if stored is not None:
            return NewAnnotation(stored, _suggested_entity(stored, article.body), created=False)
        if not Article.objects.filter(pk=article.pk).exists():
            raise Article.DoesNotExist(_("This article was deleted meanwhile: nothing was saved.")) from None
        raise


@recorded
@transaction.atomic
def _create_annotation(
    *, article: Article, kind: str, start: int, end: int, by, quote: AttributedQuote | None
) -> NewAnnotation:
    require(by, "annotations.add_annotation", _("You may not annotate articles."))
    annotation = Annotation(article=article, kind=kind, start=start, end=end, author=by)
    annotation.anchor(article.body)
    entity_name = annotation.exact if kind == Annotation.Kind.ENTITY else ""
    if quote is not None:
        annotation.quote_type, annotation.cue_verb = Annotation.QuoteType.DIRECT, quote.cue
        entity_name = quote.speaker
        for part_start, part_end in quote.parts[1:]:
            # The rest of an interrupted quote, unless its author tagged it already.
            if not Annotation.objects.filter(
                article=article, kind=kind, start=part_start, end=part_end, author=by
            ).exists():
                part = Annotation(
                    article=article, kind=kind, start=part_start, end=part_end, author=by,
                    quote_type=Annotation.QuoteType.DIRECT, cue_verb=quote.cue,
                )  # fmt: skip
                part.anchor(article.body)
                part.save()
    elif kind == Annotation.Kind.QUOTE:
        direct = is_direct_quote(article.body, start, end)
        annotation.quote_type = Annotation.QuoteType.DIRECT if direct else Annotation.QuoteType.INDIRECT
        annotation.cue_verb, entity_name = suggest_attribution(article.body, end)
    annotation.save()
    return NewAnnotation(annotation, entity_name, created=True)


def _suggested_entity(annotation: Annotation, body: str) -> str:
    """What _create_annotation() suggests, for one stored already."""
    if annotation.kind == Annotation.Kind.ENTITY:
        return annotation.exact
    if annotation.kind == Annotation.Kind.QUOTE:
        quote = _attributed_quote(body, annotation.start, annotation.end)
        return quote.speaker if quote is not None else suggest_attribution(body, annotation.end)[1]
    return ""


def create_suggested_annotation(
    *,
    article: Article,
    kind: str,
    start: int,
    end: int,
    by,
    rule: str,
    confidence: float,
    entity: Entity | None = None,
    **details,
) -> NewAnnotation:
    """Annotate body[start:end] as a suggestion proposed it (suggestions.services.accept), with its
    entity and the kind's details, recording the rule, its confidence and (as the author) who accepted it.

    Recorded in the history with the origin ``suggestion``. When the editor has annotated this span
    so already, that annotation is returned unchanged (``created`` False), as create_annotation() does.
    """
    try:
        with recording(by=by, origin=Origin.SUGGESTION.value):
            return _create_suggested_annotation(
                article=article,
                kind=kind,
                start=start,
                end=end,
                by=by,
                rule=rule,
                confidence=confidence,
                entity=entity,
                **details,
            )
    except IntegrityError:
        stored = _stored(article=article, start=start, end=end, kind=kind, author=by)
        if stored is None:
            raise
        return NewAnnotation(stored, stored.entity.name if stored.entity_id else "", created=False)


@transaction.atomic
def _create_suggested_annotation(
    *, article: Article, kind: str, start: int, end: int, by, rule: str, confidence: float, entity, **details
) -> NewAnnotation:
    require(by, "annotations.add_annotation", _("You may not annotate articles."))
    _require_known_details(kind, details)
    annotation = Annotation(
        article=article,
        kind=kind,
        start=start,
        end=end,
        author=by,
        entity=entity,
        provenance=Annotation.Provenance.SUGGESTION,
        suggestion_rule=rule,
        suggestion_confidence=confidence,
        **details,
    )
    annotation.anchor(article.body)
    annotation.save()
    return NewAnnotation(annotation, entity.name if entity else "", created=True)


def _attributed_quote(body: str, start: int, end: int) -> AttributedQuote | None:
    """The quote a selection is, its speaker linked through the catalogue as it is now."""
    return attributed_quote(body, start, end, catalogue_mentions().suggest)


@recorded
@transaction.atomic
def update_annotation(
    annotation: Annotation,
    *,
    by,
    entity: Entity | None,
    new_entity: tuple[str, str] | None = None,
    version: int | None = None,
    **details,
) -> Annotation:
    """Link the entity (or one made now from ``new_entity``: name and kind) and set the kind's details.

    ``version`` is the one the change was based on (what the editor loaded): when someone else
    changed the annotation since, raises StaleVersion (history.versions) and changes nothing.
    Raises Annotation.DoesNotExist when it was deleted meanwhile: a change never brings it back.
    """
    stored = _lock(annotation)
    check_version(AnnotationEvent, annotation.pk, stored=stored["version"], expected=version)
    if not annotation.changeable_by(by):
        raise PermissionDenied(_("Only its author or an admin may change this annotation."))
    _require_known_details(annotation.kind, details, named=annotation.get_kind_display())
    if new_entity:
        name, kind = new_entity
        entity = entity_services.find_or_create_entity(name=name, kind=kind, by=by)
    if annotation.kind == Annotation.Kind.ENTITY and entity:
        # The text as written becomes another spelling of the entity's name.
        entity = entity_services.add_spelling(entity, annotation.exact, by=by)
    annotation.entity = entity
    for field, value in details.items():
        setattr(annotation, field, value)
    _record_verdict(annotation, stored, by=by)
    annotation.save(force_update=True)  # an UPDATE, never an INSERT
    annotation.refresh_from_db(fields=["version"])  # the database's
    return annotation


@recorded
@transaction.atomic
def relink_entity(old: Entity, new: Entity, *, by) -> int:
    """Every annotation that names ``old`` names ``new`` instead (entities.services.merge_entities).
    Returns how many moved."""
    require(by, "entities.merge_entity", _("You may not merge entities."))
    return Annotation.objects.filter(entity=old).update(entity=new, updated_at=timezone.now())


@recorded
@transaction.atomic
def set_verdict(annotation: Annotation, verdict: str, *, by, version: int | None = None) -> Annotation:
    """The claims desk's change: a claim's verdict alone, recorded with who set it and when.

    Reviewers set any claim's verdict, anyone else where they may change the claim
    (Annotation.verdict_settable_by); the same verdict again changes and records nothing.
    Raises Annotation.DoesNotExist when it was deleted meanwhile, StaleVersion when ``version``
    (the one the desk showed) is not the claim's any more.
    """
    stored = _lock(annotation)
    check_version(AnnotationEvent, annotation.pk, stored=stored["version"], expected=version)
    if not annotation.verdict_settable_by(by):
        raise PermissionDenied(_("You may not set the verdict of this claim."))
    if verdict not in Annotation.Verdict.values:
        raise ValueError(f"Unknown verdict: {verdict!r}")
    annotation.verdict = verdict
    _record_verdict(annotation, stored, by=by)
    if verdict != stored["verdict"]:
        annotation.save(update_fields=["verdict", "verdict_set_by", "verdict_set_at", "updated_at"])
    return annotation


def _lock(annotation: Annotation) -> dict:
    """Lock the annotation's row until the transaction ends (a delete waits for the change or
    comes before it) and return its verdict and the record of it as stored."""
    stored = (
        Annotation.objects.select_for_update()
        .filter(pk=annotation.pk)
        .values("verdict", "verdict_set_by", "verdict_set_at", "version")
        .first()
    )
    if stored is None:
        raise Annotation.DoesNotExist(_("This annotation was deleted meanwhile: nothing was saved."))
    return stored


def _record_verdict(annotation: Annotation, stored: dict, *, by) -> None:
    """Who set the verdict and when, if it is another than the one stored; else the record as stored
    (the annotation in hand may have been read before someone else set it)."""
    verdict = annotation.verdict
    if annotation.kind == Annotation.Kind.CLAIM and not verdict:
        verdict = Annotation.Verdict.UNVERIFIED  # as save() stores a claim without one
    if verdict != stored["verdict"]:
        annotation.verdict_set_by, annotation.verdict_set_at = by, timezone.now()
    else:
        annotation.verdict_set_by_id, annotation.verdict_set_at = stored["verdict_set_by"], stored["verdict_set_at"]


@recorded
@transaction.atomic
def delete_annotation(annotation: Annotation, *, by, version: int | None = None) -> None:
    """Delete it; with ``version``, only if no one else changed it since (else StaleVersion)."""
    if not annotation.deletable_by(by):
        raise PermissionDenied(_("Only its author or an admin may delete this annotation."))
    if version is not None:
        stored = _lock(annotation)
        check_version(AnnotationEvent, annotation.pk, stored=stored["version"], expected=version)
    annotation.delete()


@recorded
@transaction.atomic
def delete_annotations(annotations, *, by) -> None:
    """Delete several (the admin's bulk action): all of them, or none if one may not be deleted."""
    for annotation in annotations:
        delete_annotation(annotation, by=by)


class CannotUndo(ValueError):
    """An undo or restore that would not give back exactly what was there (the message says why)."""


# What an annotation's history row holds that a restore writes back (all but the database's own).
RESTORED_FIELDS = [
    "article_id",
    "kind",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "entity_id",
    "verdict",
    "evidence",
    "quote_type",
    "cue_verb",
    "source_type",
    "note",
    "verdict_set_by_id",
    "verdict_set_at",
    "author_id",
    "provenance",
    "suggestion_rule",
    "suggestion_confidence",
    "created_at",
]


# What setting a claim's verdict changes (set_verdict), which reviewers may do to anyone's claim.
VERDICT_FIELDS = {"verdict", "verdict_set_by_id", "verdict_set_at"}


def undo(event, *, by) -> Annotation | None:
    """Undo the change the history row ``event`` records (history.queries.last_undoable finds it):
    a create is deleted, a change gets back the fields it had before, a delete is restored whole,
    with its id. Recorded as an undo of that row. Refused (CannotUndo, StaleVersion) when someone
    changed the annotation since, or when it cannot come back exactly.
    Returns the annotation as it is now (None: it was deleted)."""
    with recording(by=by, origin=Origin.UNDO.value, undoes=event.pgh_id):
        return _undo(event, by=by)


@transaction.atomic
def _undo(event, *, by) -> Annotation | None:
    if event.pgh_label == Action.DELETED:
        return _restore(event, by=by)
    annotation = Annotation.objects.select_for_update().filter(pk=event.pgh_obj_id).first()
    if annotation is None:
        raise CannotUndo(_("This annotation was deleted meanwhile: there is nothing to undo."))
    # Undo only what the event did: a later change is refused, with what it was, unless it is one
    # this editor undid already (undoing step by step) or such an undo.
    later = list(AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk, pgh_id__gt=event.pgh_id))
    undone = {e.pgh_context.get("undoes") for e in later if e.origin == Origin.UNDO and e.pgh_user == by.pk}
    if any(e.pgh_id not in undone and not (e.origin == Origin.UNDO and e.pgh_user == by.pk) for e in later):
        check_version(AnnotationEvent, annotation.pk, stored=annotation.version, expected=event.version)
    if event.pgh_label == Action.CREATED:
        if not annotation.deletable_by(by):
            raise PermissionDenied(_("Only its author or an admin may delete this annotation."))
        annotation.delete()
        return None
    before = AnnotationEvent.objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id).order_by("-pgh_id")
    before = before.first()
    if before is None:
        raise CannotUndo(_("What this annotation was before is not recorded."))
    changed = {field for field in RESTORED_FIELDS if getattr(before, field) != getattr(event, field)}
    # A verdict set on another's claim (the claims desk) is the reviewer's to undo, as it was to set.
    verdict_only = changed and changed <= VERDICT_FIELDS
    if not (annotation.verdict_settable_by(by) if verdict_only else annotation.changeable_by(by)):
        raise PermissionDenied(_("Only its author or an admin may change this annotation."))
    for field in RESTORED_FIELDS:
        setattr(annotation, field, getattr(before, field))
    _require_entity(annotation.entity_id)
    annotation.save(force_update=True)
    annotation.refresh_from_db()
    return annotation


def _require_entity(entity_id: int | None) -> None:
    """CannotUndo when the entity an annotation named then is gone: it would come back without it."""
    if entity_id and not Entity.objects.filter(pk=entity_id).exists():
        raise CannotUndo(_("The entity it named was deleted meanwhile: it cannot come back exactly."))


@recorded
def restore_annotation(event, *, by) -> Annotation:
    """Bring a deleted annotation back exactly as it was (an Admin, from its history)."""
    with recording(by=by, restores=event.pgh_id):
        return _restore(event, by=by)


@transaction.atomic
def _restore(event, *, by) -> Annotation:
    if event.pgh_label != Action.DELETED:
        raise CannotUndo(_("Only a deleted annotation can be restored."))
    require(by, "annotations.add_annotation", _("You may not annotate articles."))
    if event.author_id != by.pk and not by.has_perm("annotations.moderate_annotation"):
        raise PermissionDenied(_("Only its author or an admin may restore this annotation."))
    if Annotation.objects.filter(pk=event.pgh_obj_id).exists():
        raise CannotUndo(_("This annotation is there already."))
    # Restored and deleted again since: what it was before an earlier deletion is not what was lost last,
    # and its version would go back behind copies loaded since.
    if AnnotationEvent.objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__gt=event.pgh_id).exists():
        raise CannotUndo(_("It was deleted again later: restore it from its last deletion."))
    if not Article.objects.filter(pk=event.article_id).exists():
        raise CannotUndo(_("Its article was deleted: the annotation cannot come back."))
    _require_entity(event.entity_id)
    annotation = Annotation(pk=event.pgh_obj_id, **{field: getattr(event, field) for field in RESTORED_FIELDS})
    # A version past the one it was deleted at: a copy loaded before the delete is stale.
    annotation.updated_at, annotation.version = timezone.now(), event.version + 1
    try:
        with transaction.atomic():
            # raw: as stored, its creation time too (a plain save would stamp it anew).
            annotation.save_base(raw=True, force_insert=True)
    except IntegrityError:
        raise CannotUndo(
            _("The same words are annotated so again meanwhile: the annotation cannot come back.")
        ) from None
    annotation.refresh_from_db()
    return annotation


def require_importer(by) -> None:
    """Importing annotations is for those who import articles (Admins), and stores annotations in
    others' names, as moderators may."""
    message = _("You may not import annotations.")
    for permission in ("articles.import_articles", "annotations.add_annotation", "annotations.moderate_annotation"):
        require(by, permission, message)


@recorded
@transaction.atomic
def import_annotation(
    *,
    article: Article,
    kind: str,
    start: int,
    end: int,
    author,
    by,
    entity: Entity | None = None,
    verdict: str = "",
    verdict_set_by=None,
    verdict_set_at=None,
    created_at=None,
    updated_at=None,
    **details,
) -> tuple[Annotation, bool]:
    """Store an annotation read from a file (annotations.importing) as it was: body[start:end] (placed
    and checked by the caller) of ``author``, with its entity, details, who set its verdict and when,
    and its times when given. Returns it and whether it was created: the author's annotation of this
    kind on this span, stored already, is returned unchanged (importing a file twice adds nothing).
    """
    require_importer(by)
    _require_known_details(kind, details)
    if verdict and kind != Annotation.Kind.CLAIM:
        raise ValueError(f"{kind} annotations have no verdict")
    annotation = Annotation(
        article=article,
        kind=kind,
        start=start,
        end=end,
        author=author,
        entity=entity,
        provenance=Annotation.Provenance.IMPORT,
        **details,
    )
    annotation.anchor(article.body)
    if kind == Annotation.Kind.CLAIM:
        annotation.verdict = verdict or Annotation.Verdict.UNVERIFIED
        if verdict_set_at:  # the record of who set it is whole or absent (annotation_verdict_record_only_on_claims)
            annotation.verdict_set_by, annotation.verdict_set_at = verdict_set_by or by, verdict_set_at
    now = timezone.now()
    annotation.created_at = created_at or now
    annotation.updated_at = updated_at or created_at or now
    try:
        with transaction.atomic():
            # Saved raw, as loaddata saves, so that auto_now and auto_now_add leave the file's times
            # (in one statement: each one on annotations sets off the version and count triggers).
            annotation.save_base(raw=True, force_insert=True)
    except IntegrityError:  # stored already (the caller looked first), or by another import at the same moment
        if stored := _stored(article=article, start=start, end=end, kind=kind, author=author):
            return stored, False
        raise
    if kind == Annotation.Kind.ENTITY and entity and not entity.spells(annotation.exact):
        annotation.entity = entity_services.add_spelling(entity, annotation.exact, by=by)  # as update_annotation()
    return annotation, True
