"""Versions: a change based on a copy someone else has changed since is refused (409), saying what
they changed, and is saved only when sent again on purpose; no change is ever silently lost."""

import pytest
from django.urls import reverse

from annotations import services as annotation_services
from annotations.models import Annotation
from entities import services as entity_services
from entities.models import Entity
from history.models import AnnotationEvent
from history.versions import StaleVersion
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim Dzsongun szerint minden rendben van."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def claim(editor):
    article = make_article(BODY)
    start, end = span_of(article, "minden rendben van")
    return make_annotation(article, start, end, author=editor, kind=Annotation.Kind.CLAIM)


def _details(**changes):
    return {"entity": None, "verdict": "unverified", "note": "", "evidence": [], **changes}


def _edit(client, claim, version, **fields):
    data = {"verdict": "unverified", "note": "", "evidence": "", "entity_query": "", "version": version, **fields}
    return client.post(reverse("annotations:edit", args=[claim.pk]), data, headers=HTMX)


def test_the_database_keeps_the_version(claim, editor):
    assert claim.version == 1
    Annotation.objects.filter(pk=claim.pk).update(note="egy", version=99)  # a written version is ignored
    claim.refresh_from_db()
    assert claim.version == 2
    Annotation.objects.filter(pk=claim.pk).update(note="egy")  # no change: the same version
    claim.refresh_from_db()
    assert claim.version == 2


def test_an_entitys_counts_do_not_change_its_version(editor):
    entity = make_entity("Kim Dzsongun")
    article = make_article(BODY)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=entity)
    entity.refresh_from_db()
    assert (entity.mention_count, entity.version) == (1, 1)
    entity_services.add_alias(entity, "Kim Jong Un", by=editor)
    entity.refresh_from_db()
    assert entity.version == 2


def test_the_service_refuses_a_stale_version_and_says_what_changed(claim, editor, admin):
    annotation_services.update_annotation(claim, by=admin, version=1, **_details(verdict="false"))
    stale = Annotation.objects.get(pk=claim.pk)
    with pytest.raises(StaleVersion) as refused:
        annotation_services.update_annotation(stale, by=editor, version=1, **_details(note="Szerintem igaz."))
    assert refused.value.current == 2
    [entry] = refused.value.entries
    assert entry.who == admin.username
    assert [(c.label, c.before, c.after) for c in entry.changes] == [("Verdict", "Unverified", "False")]
    claim.refresh_from_db()
    assert (claim.verdict, claim.note) == ("false", "")


def test_a_stale_edit_answers_409_and_saving_again_overwrites_on_purpose(client_for, claim, editor, admin):
    editor_client = client_for(editor)
    opened = editor_client.get(reverse("annotations:edit", args=[claim.pk]), headers=HTMX).content.decode()
    assert 'name="version" value="1"' in opened
    assert _edit(client_for(admin), claim, 1, verdict="false").status_code == 200

    response = _edit(editor_client, claim, 1, verdict="true", note="Igaz.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this since you opened it (adel)" in html
    assert "<del>Unverified</del> → <ins>False</ins>" in html
    assert 'name="version" value="2"' in html  # saving again overwrites
    assert "Igaz." in html  # what this editor typed is kept on show
    assert "Overwrite with mine" in html and "Reload theirs" in html
    claim.refresh_from_db()
    assert claim.verdict == "false"

    assert _edit(editor_client, claim, 2, verdict="true", note="Igaz.").status_code == 200
    claim.refresh_from_db()
    assert (claim.verdict, claim.note, claim.version) == ("true", "Igaz.", 3)
    # Nothing was lost: both changes are in the history, in order.
    verdicts = list(
        AnnotationEvent.objects.filter(pgh_obj_id=claim.pk).order_by("pgh_id").values_list("verdict", "pgh_user")
    )
    assert verdicts == [("unverified", None), ("false", admin.pk), ("true", editor.pk)]


def test_a_stale_delete_answers_409_and_keeps_the_annotation(client_for, claim, editor, admin):
    _edit(client_for(admin), claim, 1, verdict="false")
    url = reverse("annotations:delete", args=[claim.pk])
    response = client_for(editor).post(url, {"version": 1}, headers=HTMX)
    assert response.status_code == 409
    assert Annotation.objects.filter(pk=claim.pk).exists()
    assert client_for(editor).post(url, {"version": 2}, headers=HTMX).status_code == 200
    assert not Annotation.objects.filter(pk=claim.pk).exists()


@pytest.mark.parametrize("version", ["²", "9" * 5000, "0", "-1"])
def test_a_malformed_version_of_a_delete_answers_400_and_keeps_the_annotation(client_for, claim, editor, version):
    # str.isdigit() holds for a superscript, which int() does not read (500); "-1" skipped the check.
    url = reverse("annotations:delete", args=[claim.pk])
    response = client_for(editor).post(url, {"version": version}, headers=HTMX)
    assert response.status_code == 400
    assert Annotation.objects.filter(pk=claim.pk).exists()


def test_a_stale_entity_edit_answers_409(client_for, editor, other_editor):
    entity = make_entity("Kim Dzsongun")
    url = reverse("entities:edit", args=[entity.pk])
    data = {"name": "Kim Dzsongun", "kind": "person", "description": "", "external_id": ""}
    assert client_for(other_editor).post(url, {**data, "description": "Vezető", "version": 1}).status_code == 302
    response = client_for(editor).post(url, {**data, "external_id": "Q56226", "version": 1}, headers=HTMX)
    assert response.status_code == 409
    assert "<ins>Vezető</ins>" in response.content.decode()
    entity.refresh_from_db()
    assert (entity.description, entity.external_id, entity.version) == ("Vezető", "", 2)
    response = client_for(editor).post(url, {**data, "external_id": "Q56226", "version": 2}, headers=HTMX)
    assert response.status_code == 200
    assert Entity.objects.get(pk=entity.pk).external_id == "Q56226"


def test_a_stale_verdict_on_the_claims_desk_answers_409(client_for, claim, editor, other_editor):
    url = reverse("desks:verdict", args=[claim.pk])
    assert client_for(other_editor).post(url, {"verdict": "false", "version": 1}, headers=HTMX).status_code == 200
    response = client_for(editor).post(url, {"verdict": "true", "version": 1}, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this since you opened it (ede)" in html
    assert 'name="version" value="2"' in html
    claim.refresh_from_db()
    assert claim.verdict == "false"
    assert client_for(editor).post(url, {"verdict": "true", "version": 2}, headers=HTMX).status_code == 200
    claim.refresh_from_db()
    assert claim.verdict == "true"


def test_a_stale_verdict_from_a_plain_form_answers_a_whole_page(client_for, claim, editor, other_editor):
    # Without htmx the desk's form is posted as a page: the answer is one, not a table row alone.
    url = reverse("desks:verdict", args=[claim.pk])
    assert client_for(other_editor).post(url, {"verdict": "false", "version": 1}).status_code == 302
    response = client_for(editor).post(url, {"verdict": "true", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Someone else changed this since you opened it (ede)" in html
    claim.refresh_from_db()
    assert claim.verdict == "false"


def test_the_admin_refuses_to_save_over_someone_elses_change(client_for, admin, editor):
    admin.is_staff = True
    admin.save()
    entity = make_entity("Kim Dzsongun")
    url = reverse("admin:entities_entity_change", args=[entity.pk])
    client = client_for(admin)
    assert 'name="loaded_version" value="1"' in client.get(url).content.decode()
    entity_services.add_alias(entity, "Kim Jong Un", by=editor)  # meanwhile
    data = {"name": "Kim Dzsongun", "kind": "person", "aliases": "", "description": "Mine", "external_id": ""}
    response = client.post(url, {**data, "loaded_version": 1})
    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()
    entity.refresh_from_db()
    assert (entity.aliases, entity.description) == (["Kim Jong Un"], "")
    assert client.post(url, {**data, "aliases": "Kim Jong Un", "loaded_version": 2}).status_code == 302
    entity.refresh_from_db()
    assert entity.description == "Mine"
