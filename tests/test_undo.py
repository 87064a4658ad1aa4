"""Undo: an editor's last create, change or delete of an annotation comes undone exactly, for a while,
after a reload too; an Admin restores a deleted annotation from its history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from annotations import services
from annotations.models import Annotation
from entities import services as entity_services
from history.models import AnnotationEvent
from history.queries import last_undoable
from tests.factories import make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim Dzsongun szerint minden rendben van. „Győzni fogunk” – mondta Kim Dzsongun."
HTMX = {"HX-Request": "true"}
WINDOW = datetime.timedelta(minutes=10)


@pytest.fixture
def article():
    return make_article(BODY)


def _create(client, article, text="minden rendben van", kind="claim"):
    start, end = span_of(article, text)
    response = client.post(
        reverse("annotations:create", args=[article.pk]),
        {"kind": kind, "start": start, "end": end, "exact": text},
        headers=HTMX,
    )
    assert response.status_code == 201
    return Annotation.objects.get(article=article, start=start, end=end, kind=kind)


def _undo(client, article, user):
    event = last_undoable(user, article.pk, within=WINDOW)
    return client.post(reverse("annotations:undo", args=[article.pk]), {"event": event.pgh_id}, headers=HTMX)


def _fields(annotation):
    return {
        field.attname: getattr(annotation, field.attname)
        for field in Annotation._meta.concrete_fields
        if field.name not in ("updated_at", "version")
    }


def test_undoing_a_create_deletes_it(client_for, editor, article):
    client = client_for(editor)
    annotation = _create(client, article)
    page = client.get(article.get_absolute_url()).content.decode()  # after a reload too
    assert "Your last change: Claim „minden rendben van” (created)" in page
    response = _undo(client, article, editor)
    assert response.status_code == 200
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    undo_event = AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk).latest("pgh_id")
    assert (undo_event.pgh_label, undo_event.origin, undo_event.pgh_user) == ("deleted", "undo", editor.pk)
    assert 'hx-swap-oob="innerHTML:#annotation-list"' in response.content.decode()  # the list, whole


def test_undoing_a_change_gives_back_every_field(client_for, editor, article):
    client = client_for(editor)
    entity = make_entity("Kim Dzsongun")
    annotation = _create(client, article)
    services.update_annotation(
        annotation, by=editor, entity=entity, verdict="mostly_true", note="Első.", evidence=["https://a.example/1"]
    )
    annotation.refresh_from_db()
    before = _fields(annotation)
    services.update_annotation(
        annotation, by=editor, entity=None, verdict="false", note="Második.", evidence=["https://b.example/2"]
    )
    assert _undo(client, article, editor).status_code == 200
    annotation.refresh_from_db()
    assert _fields(annotation) == before
    # and then the change before it
    assert _undo(client, article, editor).status_code == 200
    annotation.refresh_from_db()
    assert (annotation.entity_id, annotation.verdict, annotation.note, annotation.evidence) == (
        None,
        "unverified",
        "",
        [],
    )


def test_undoing_a_delete_restores_it_exactly_with_its_id(client_for, editor, article):
    client = client_for(editor)
    annotation = _create(client, article)
    services.update_annotation(
        annotation, by=editor, entity=make_entity("Valaki"), verdict="false", note="N", evidence=[]
    )
    annotation.refresh_from_db()
    before = _fields(annotation)
    response = client.post(
        reverse("annotations:delete", args=[annotation.pk]), {"version": annotation.version}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Claim „minden rendben van” (deleted)" in response.content.decode()  # the undo bar comes along
    assert _undo(client, article, editor).status_code == 200
    restored = Annotation.objects.get(pk=annotation.pk)
    assert _fields(restored) == before  # offsets, links, fields, its creation time


def test_undo_is_refused_when_someone_changed_it_since(client_for, editor, admin, article):
    client = client_for(editor)
    annotation = _create(client, article)
    services.set_verdict(annotation, "false", by=admin)
    event = AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk, pgh_label="created").get()
    response = client.post(reverse("annotations:undo", args=[article.pk]), {"event": event.pgh_id}, headers=HTMX)
    assert response.status_code == 409
    assert "Someone else changed this" in response.content.decode()
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_a_refused_undo_from_a_plain_form_answers_a_whole_page(client_for, editor, admin, article):
    # The undo bar is a form that works without htmx too: its refusal is a page, not a fragment.
    client = client_for(editor)
    annotation = _create(client, article)
    services.set_verdict(annotation, "false", by=admin)
    event = AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk, pgh_label="created").get()
    response = client.post(reverse("annotations:undo", args=[article.pk]), {"event": event.pgh_id})
    assert response.status_code == 409
    html = response.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Someone else changed this" in html


def test_undo_expires(client_for, editor, article, settings):
    client = client_for(editor)
    _create(client, article)
    settings.UNDO_SECONDS = 0
    assert last_undoable(editor, article.pk, within=datetime.timedelta(0)) is None
    assert "Your last change" not in client.get(article.get_absolute_url()).content.decode()
    response = client.post(reverse("annotations:undo", args=[article.pk]), {"event": 1}, headers=HTMX)
    assert response.status_code == 409


def test_one_cannot_undo_someone_elses_change(client_for, editor, other_editor, article):
    _create(client_for(editor), article)
    assert last_undoable(other_editor, article.pk, within=WINDOW) is None


def test_a_reviewer_undoes_the_verdict_they_set_on_someone_elses_claim(client_for, editor, other_editor, article):
    # Any editor sets any claim's verdict on the claims desk; the undo bar then offers it to them.
    claim = _create(client_for(editor), article)
    reviewer = client_for(other_editor)
    assert reviewer.post(reverse("desks:verdict", args=[claim.pk]), {"verdict": "false"}).status_code == 302
    assert "Your last change" in reviewer.get(article.get_absolute_url()).content.decode()
    assert _undo(reviewer, article, other_editor).status_code == 200
    claim.refresh_from_db()
    assert (claim.verdict, claim.verdict_set_by, claim.verdict_set_at) == ("unverified", None, None)


def test_undoing_a_change_other_than_a_verdict_needs_the_right_to_change_it(editor, other_editor, article):
    start, end = span_of(article, "minden rendben van")
    claim = services.create_annotation(article=article, kind="claim", start=start, end=end, by=editor).annotation
    services.update_annotation(claim, by=editor, entity=None, note="Mine.", verdict="unverified", evidence=[])
    event = AnnotationEvent.objects.filter(pgh_obj_id=claim.pk).latest("pgh_id")
    with pytest.raises(PermissionDenied):
        services.undo(event, by=other_editor)


def test_merging_entities_is_not_offered_as_the_last_change_to_undo(client_for, editor, other_editor, article):
    # A merge moves others' annotations to the survivor, in the merging editor's name; undoing one of
    # those would name the duplicate, which the merge deleted, and is not theirs to change.
    survivor, duplicate = make_entity("Kim Dzsongun"), make_entity("Kim Jong Un")
    mine = _create(client_for(other_editor), article, text="Győzni fogunk", kind="quote")
    services.update_annotation(_create(client_for(editor), article), by=editor, entity=duplicate)
    entity_services.merge_entities(survivor, duplicate, by=other_editor)
    assert last_undoable(other_editor, article.pk, within=WINDOW).pgh_obj_id == mine.pk


def test_only_the_last_deletion_of_an_annotation_is_restored(client_for, editor, admin, article):
    # Restored from an earlier deletion, it would come back as it was then, its version behind the one a
    # copy loaded since holds (so that copy's save would pass the version check).
    annotation = _create(client_for(editor), article)
    pk = annotation.pk
    services.delete_annotation(annotation, by=editor)
    first = AnnotationEvent.objects.get(pgh_obj_id=pk, pgh_label="deleted")
    restored = services.restore_annotation(first, by=admin)
    restored = services.update_annotation(restored, by=editor, entity=None, note="Later.")
    services.delete_annotation(restored, by=editor)
    assert client_for(admin).post(reverse("annotations:restore", args=[first.pgh_id])).status_code == 409
    assert not Annotation.objects.filter(pk=pk).exists()
    last = AnnotationEvent.objects.filter(pgh_obj_id=pk, pgh_label="deleted").latest("pgh_id")
    assert client_for(admin).post(reverse("annotations:restore", args=[last.pgh_id])).status_code == 302
    assert Annotation.objects.get(pk=pk).note == "Later."


def test_an_admin_restores_a_deleted_annotation_from_its_history(client_for, editor, admin, article):
    annotation = _create(client_for(editor), article)
    pk, before = annotation.pk, _fields(annotation)
    services.delete_annotation(annotation, by=editor)
    activity = client_for(admin).get(reverse("history:article", args=[article.pk])).content.decode()
    event = AnnotationEvent.objects.get(pgh_obj_id=pk, pgh_label="deleted")
    restore = reverse("annotations:restore", args=[event.pgh_id])
    assert restore in activity
    assert restore not in client_for(editor).get(reverse("history:article", args=[article.pk])).content.decode()
    assert client_for(editor).post(restore).status_code == 403
    assert client_for(admin).post(restore).status_code == 302
    assert _fields(Annotation.objects.get(pk=pk)) == before
    assert client_for(admin).post(restore).status_code == 409  # there already
