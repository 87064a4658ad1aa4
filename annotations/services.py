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
from annotations.anchoring import is_direct_quote, suggest_attribution
from annotations.models import DETAILS_BY_KIND, Annotation
from articles.models import Article
from entities import services as entity_services
from entities.models import Entity


class NewAnnotation(NamedTuple):
    annotation: Annotation
    entity_name: str  # the name to look up first as its entity
    created: bool  # False: the author had annotated this span so already, and this is that annotation


def create_annotation(*, article: Article, kind: str, start: int, end: int, by) -> NewAnnotation:
    """Annotate body[start:end] (whole words, checked by the caller) with what the text itself tells.

    The name to look up first as its entity is the speaker named after a quote ("…” – mondta
    Kim Dzsongun"), the words themselves for an entity mention. Creating is idempotent: an
    author has one annotation of a kind per span, so a request sent twice (a key pressed
    twice, a retry after a lost answer) finds the one stored.
    Raises Article.DoesNotExist when the article was deleted meanwhile.
    """
    try:
        return _create_annotation(article=article, kind=kind, start=start, end=end, by=by)
    except IntegrityError:
        # Its transaction is over (or its savepoint, inside a caller's): the questions can be asked.
        stored = Annotation.objects.filter(article=article, start=start, end=end, kind=kind, author=by).first()
        if stored is not None:
            return NewAnnotation(stored, _suggested_entity(stored, article.body), created=False)
        if not Article.objects.filter(pk=article.pk).exists():
            raise Article.DoesNotExist(_("This article was deleted meanwhile: nothing was saved.")) from None
        raise


@transaction.atomic
def _create_annotation(*, article: Article, kind: str, start: int, end: int, by) -> NewAnnotation:
    require(by, "annotations.add_annotation", _("You may not annotate articles."))
    annotation = Annotation(article=article, kind=kind, start=start, end=end, author=by)
    annotation.anchor(article.body)
    entity_name = annotation.exact if kind == Annotation.Kind.ENTITY else ""
    if kind == Annotation.Kind.QUOTE:
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
        return suggest_attribution(body, annotation.end)[1]
    return ""


@transaction.atomic
def update_annotation(
    annotation: Annotation,
    *,
    by,
    entity: Entity | None,
    new_entity: tuple[str, str] | None = None,
    **details,
) -> Annotation:
    """Link the entity (or one made now from ``new_entity``: name and kind) and set the kind's details.

    Raises Annotation.DoesNotExist when it was deleted meanwhile: a change never brings it back.
    """
    stored = _lock(annotation)
    if not annotation.changeable_by(by):
        raise PermissionDenied(_("Only its author or an admin may change this annotation."))
    unknown = set(details) - set(DETAILS_BY_KIND[annotation.kind])
    if unknown:
        raise ValueError(f"{annotation.get_kind_display()} annotations have no {', '.join(sorted(unknown))}")
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
    return annotation


@transaction.atomic
def relink_entity(old: Entity, new: Entity, *, by) -> int:
    """Every annotation that names ``old`` names ``new`` instead (entities.services.merge_entities).
    Returns how many moved."""
    require(by, "entities.merge_entity", _("You may not merge entities."))
    return Annotation.objects.filter(entity=old).update(entity=new, updated_at=timezone.now())


@transaction.atomic
def set_verdict(annotation: Annotation, verdict: str, *, by) -> Annotation:
    """The claims desk's change: a claim's verdict alone, recorded with who set it and when.

    Reviewers set any claim's verdict, anyone else where they may change the claim
    (Annotation.verdict_settable_by); the same verdict again changes and records nothing.
    Raises Annotation.DoesNotExist when it was deleted meanwhile.
    """
    stored = _lock(annotation)
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
        .values("verdict", "verdict_set_by", "verdict_set_at")
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


@transaction.atomic
def delete_annotation(annotation: Annotation, *, by) -> None:
    if not annotation.deletable_by(by):
        raise PermissionDenied(_("Only its author or an admin may delete this annotation."))
    annotation.delete()


@transaction.atomic
def delete_annotations(annotations, *, by) -> None:
    """Delete several (the admin's bulk action): all of them, or none if one may not be deleted."""
    for annotation in annotations:
        delete_annotation(annotation, by=by)


def require_importer(by) -> None:
    """Importing annotations is for those who import articles (Admins), and stores annotations in
    others' names, as moderators may."""
    message = _("You may not import annotations.")
    for permission in ("articles.import_articles", "annotations.add_annotation", "annotations.moderate_annotation"):
        require(by, permission, message)


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
    unknown = set(details) - set(DETAILS_BY_KIND[kind])
    if unknown or (verdict and kind != Annotation.Kind.CLAIM):
        raise ValueError(f"{kind} annotations have no {', '.join(sorted(unknown)) or 'verdict'}")
    same = Annotation.objects.filter(article=article, start=start, end=end, kind=kind, author=author)
    if stored := same.first():
        return stored, False
    annotation = Annotation(article=article, kind=kind, start=start, end=end, author=author, entity=entity, **details)
    annotation.anchor(article.body)
    if kind == Annotation.Kind.CLAIM:
        annotation.verdict = verdict or Annotation.Verdict.UNVERIFIED
        if verdict_set_at:  # the record of who set it is whole or absent (annotation_verdict_record_only_on_claims)
            annotation.verdict_set_by, annotation.verdict_set_at = verdict_set_by or by, verdict_set_at
    try:
        with transaction.atomic():
            annotation.save()
    except IntegrityError:  # stored at the same moment by another import
        if stored := same.first():
            return stored, False
        raise
    if kind == Annotation.Kind.ENTITY and entity:
        entity_services.add_spelling(entity, annotation.exact, by=by)  # as update_annotation() does
    times = {name: moment for name, moment in (("created_at", created_at), ("updated_at", updated_at)) if moment}
    if times:  # auto_now and auto_now_add set them on save: the file's are kept after it
        Annotation.objects.filter(pk=annotation.pk).update(**times)
        for name, moment in times.items():
            setattr(annotation, name, moment)
    return annotation, True
