"""History: every change of annotations, entities and articles is recorded by the database, with who
and from where, and the record can be neither changed nor deleted."""

import datetime
import io

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse

from annotations import services as annotation_services
from annotations.models import Annotation
from articles import services as article_services
from entities import services as entity_services
from entities.models import Entity
from history.context import recording
from history.models import AnnotationEvent, ArticleEvent, EntityEvent
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim Dzsongun szerint minden rendben van. „Győzni fogunk” – mondta Kim Dzsongun."


@pytest.fixture
def article():
    return make_article(BODY)


def _claim(article, author):
    start, end = span_of(article, "minden rendben van")
    return annotation_services.create_annotation(
        article=article, kind=Annotation.Kind.CLAIM, start=start, end=end, by=author
    ).annotation


def test_it_records_an_annotation_created_on_the_page_with_who_and_from_where(client_for, editor, article):
    start, end = span_of(article, "Kim Dzsongun")
    response = client_for(editor).post(
        reverse("annotations:create", args=[article.pk]),
        {"kind": "entity", "start": start, "end": end, "exact": "Kim Dzsongun"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 201
    event = AnnotationEvent.objects.get()
    assert (event.pgh_label, event.pgh_user, event.origin) == ("created", editor.pk, "page")
    assert (event.start, event.end, event.kind, event.article_id) == (start, end, "entity", article.pk)


def test_it_records_a_change_with_the_state_after_it(editor, article):
    claim = _claim(article, editor)
    annotation_services.update_annotation(claim, by=editor, entity=None, verdict="false", note="Nem igaz.", evidence=[])
    created, changed = AnnotationEvent.objects.filter(pgh_obj_id=claim.pk).order_by("pgh_id")
    assert (created.pgh_label, created.verdict) == ("created", "unverified")
    assert (changed.pgh_label, changed.verdict, changed.note) == ("changed", "false", "Nem igaz.")
    assert changed.pgh_user == editor.pk
    assert changed.origin == "code"  # a service called outside a request


def test_it_records_a_verdict_set_on_the_desk(editor, other_editor, article):
    claim = _claim(article, editor)
    annotation_services.set_verdict(claim, "mostly_true", by=other_editor)
    event = AnnotationEvent.objects.filter(pgh_obj_id=claim.pk).latest("pgh_id")
    assert (event.verdict, event.verdict_set_by_id, event.pgh_user) == ("mostly_true", other_editor.pk, other_editor.pk)


def test_it_records_a_deletion_with_everything_that_was_there(editor, article):
    claim = _claim(article, editor)
    pk = claim.pk
    annotation_services.delete_annotation(claim, by=editor)
    event = AnnotationEvent.objects.filter(pgh_label="deleted").get()
    assert (event.pgh_obj_id, event.exact, event.verdict, event.author_id) == (
        pk,
        "minden rendben van",
        "unverified",
        editor.pk,
    )


def test_it_records_a_bulk_update_outside_the_services(editor, article):
    start, end = span_of(article, "Kim Dzsongun")
    annotation = make_annotation(article, start, end, author=editor)
    Annotation.objects.filter(article=article).update(note="bulk")
    event = AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk).latest("pgh_id")
    assert (event.pgh_label, event.note, event.pgh_context) == ("changed", "bulk", None)


def test_it_records_raw_sql_too(editor, article):
    start, end = span_of(article, "Kim Dzsongun")
    annotation = make_annotation(article, start, end, author=editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_annotation WHERE id = %s", [annotation.pk])
    assert AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk, pgh_label="deleted").exists()


def test_an_unchanged_save_records_nothing(editor, article):
    claim = _claim(article, editor)
    claim.save()  # updated_at alone moves
    assert AnnotationEvent.objects.filter(pgh_obj_id=claim.pk).count() == 1


def test_it_records_an_entity_merge_alias_changes_and_relinked_annotations(editor, article):
    survivor, duplicate = make_entity("Kim Dzsongun"), make_entity("Kim Jong Un")
    start, end = span_of(article, "Kim Dzsongun")
    annotation = make_annotation(article, start, end, author=editor, entity=duplicate)
    entity_services.add_alias(survivor, "Kim Dzsong Un", by=editor)
    entity_services.remove_alias(survivor, "Kim Dzsong Un", by=editor)
    entity_services.merge_entities(survivor, duplicate, by=editor)

    survivor_events = list(EntityEvent.objects.filter(pgh_obj_id=survivor.pk).order_by("pgh_id"))
    assert [(e.pgh_label, e.aliases) for e in survivor_events] == [
        ("created", []),
        ("changed", ["Kim Dzsong Un"]),
        ("changed", []),
        ("changed", ["Kim Jong Un"]),
    ]
    assert all(e.pgh_user == editor.pk for e in survivor_events[1:])
    gone = EntityEvent.objects.get(pgh_obj_id=duplicate.pk, pgh_label="deleted")
    assert gone.pgh_context["merged_into"] == survivor.pk
    relinked = AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk).latest("pgh_id")
    assert (relinked.pgh_label, relinked.entity_id, relinked.pgh_user) == ("changed", survivor.pk, editor.pk)


def test_it_records_an_entity_renamed_on_its_page(client_for, editor):
    entity = make_entity("Kim Dzsongun")
    response = client_for(editor).post(
        reverse("entities:edit", args=[entity.pk]),
        {"name": "Kim Dzsong-un", "kind": "person", "description": "", "external_id": ""},
    )
    assert response.status_code in (200, 302)
    event = EntityEvent.objects.filter(pgh_obj_id=entity.pk).latest("pgh_id")
    assert (event.pgh_label, event.name) == ("changed", "Kim Dzsong-un")
    assert (event.pgh_user, event.origin) == (editor.pk, "page")


def test_it_records_article_title_and_status_changes_only(client_for, editor, article):
    response = client_for(editor).post(
        reverse("articles:edit", args=[article.pk]), {"title": "Új cím", "status": "in_progress"}
    )
    assert response.status_code == 302
    before, event = ArticleEvent.objects.order_by("pgh_id")
    assert (before.pgh_label, before.title, before.status) == ("before", BODY.split(".")[0], "new")
    assert (event.title, event.status, event.pgh_user, event.origin) == ("Új cím", "in_progress", editor.pk, "page")
    # Annotating raises the article's annotation_version: no event of the article.
    _claim(article, editor)
    assert ArticleEvent.objects.count() == 2


def test_importing_articles_records_no_event_per_article(admin, sample_bytes, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(admin).post(reverse("imports:import"), {"files": [SimpleUploadedFile("a.txt", sample_bytes)]})
    assert ArticleEvent.objects.count() == 0


def test_it_records_changes_made_in_the_admin(client_for, admin, article):
    admin.is_staff = True  # as being put in Admins in the admin makes them
    admin.save()
    response = client_for(admin).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": "Admin cím",
            "status": "done",
            "published_on": "2025-06-01",
            "date_precision": "month",
            "language": "hu",
            "source_filename": "test.txt",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("admin:articles_article_changelist"), response.url
    event = ArticleEvent.objects.get(pgh_label="changed")
    assert (event.title, event.status, event.pgh_user, event.origin) == ("Admin cím", "done", admin.pk, "admin")


def test_a_service_inside_a_context_keeps_its_origin(editor, article):
    with recording(origin="import"):
        _claim(article, editor)
    assert AnnotationEvent.objects.get().origin == "import"


@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'x'", "DELETE FROM {table}"])
@pytest.mark.parametrize("model", [AnnotationEvent, EntityEvent, ArticleEvent])
def test_history_cannot_be_altered_even_with_sql(editor, article, model, statement):
    _claim(article, editor)
    make_entity("Valaki")
    article_services.update_article(article, by=editor, title="Más", status="done")
    refused = pytest.raises(ProgrammingError, match="History is append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        # pgtrigger's way of switching its triggers off does not switch this one off.
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{history_append_only}"])
        cursor.execute(statement.format(table=model._meta.db_table))
    assert model.objects.exists()


def test_the_annotation_panel_shows_what_changed_by_whom(client_for, editor, other_editor, article):
    claim = _claim(article, editor)
    annotation_services.set_verdict(claim, "mostly_true", by=editor)
    annotation_services.set_verdict(claim, "false", by=other_editor)
    response = client_for(editor).get(reverse("annotations:edit", args=[claim.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Changed by ede" in html
    assert "<del>Mostly true</del> → <ins>False</ins>" in html
    assert "Created by erika" in html


def test_the_article_activity_lists_its_annotations_and_title_changes(client_for, editor, article):
    _claim(article, editor)
    article_services.update_article(article, by=editor, title="Új cím", status="done")
    html = client_for(editor).get(reverse("history:article", args=[article.pk])).content.decode()
    assert "Claim „minden rendben van”" in html
    assert "<del>Kim Dzsongun szerint minden rendben van</del> → <ins>Új cím</ins>" in html
    assert "<del>New</del> → <ins>Done</ins>" in html


def test_the_entity_page_shows_its_history(client_for, editor):
    entity = make_entity("Kim Dzsongun")
    entity_services.add_alias(entity, "Kim Jong Un", by=editor)
    html = client_for(editor).get(reverse("entities:detail", args=[entity.pk])).content.decode()
    assert "<ins>+ Kim Jong Un</ins>" in html


def test_the_activity_page_is_for_admins_and_filters(client_for, editor, other_editor, admin, article):
    _claim(article, editor)
    make_entity("Valaki")  # by no one in the app
    article_services.update_article(article, by=other_editor, title="Más cím", status="new")
    assert client_for(editor).get(reverse("history:activity")).status_code == 403
    admin_client = client_for(admin)
    html = admin_client.get(reverse("history:activity")).content.decode()
    assert "Claim „minden rendben van”" in html and "Valaki" in html and "Más cím" in html
    html = admin_client.get(reverse("history:activity"), {"person": other_editor.pk}).content.decode()
    assert "Más cím" in html and "Claim „minden rendben van”" not in html
    html = admin_client.get(reverse("history:activity"), {"kind": "entity"}).content.decode()
    assert "Valaki" in html and "Más cím" not in html
    html = admin_client.get(reverse("history:activity"), {"action": "created", "kind": "annotation"}).content.decode()
    assert "minden rendben van" in html
    assert admin_client.get(reverse("history:activity"), {"since": "nonsense"}).status_code == 400


def test_the_app_offers_no_way_to_alter_history(client_for, admin, editor, article):
    """No admin page, no permission to add, change or delete, and no URL that writes to it."""
    from django.contrib import admin as django_admin
    from django.contrib.auth.models import Permission

    from history import urls

    assert not any(model._meta.app_label == "history" for model in django_admin.site._registry)
    codenames = set(Permission.objects.filter(content_type__app_label="history").values_list("codename", flat=True))
    assert codenames == {"view_annotationevent", "view_entityevent", "view_articleevent", "view_activity"}
    _claim(article, editor)
    before = AnnotationEvent.objects.count()
    admin_client = client_for(admin)
    for pattern in urls.urlpatterns:
        kwargs = {"pk": article.pk} if "<int:pk>" in str(pattern.pattern) else {}
        url = reverse(f"history:{pattern.name}", kwargs=kwargs)
        assert admin_client.post(url).status_code == 405
    assert AnnotationEvent.objects.count() == before


def test_the_entity_import_command_records_its_changes_as_an_import(tmp_path, editor):
    from django.core.management import call_command

    catalogue = tmp_path / "people.jsonl"
    catalogue.write_text('{"name": "Kim Dzsongun", "kind": "person", "aliases": ["Kim Jong Un"]}\n')
    call_command("import_entities", str(catalogue), "--user", editor.username, "--json", stdout=io.StringIO())
    event = EntityEvent.objects.get()
    assert (event.pgh_label, event.name, event.pgh_user, event.origin) == (
        "created",
        "Kim Dzsongun",
        editor.pk,
        "import",
    )


def test_it_records_a_bulk_delete_in_the_admin(client_for, admin, editor, article):
    admin.is_staff = True
    admin.save()
    claim = _claim(article, editor)
    start, end = span_of(article, "Kim Dzsongun")
    mention = make_annotation(article, start, end, author=editor)
    response = client_for(admin).post(
        reverse("admin:annotations_annotation_changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk, mention.pk], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AnnotationEvent.objects.filter(pgh_label="deleted")
    assert sorted(deleted.values_list("pgh_obj_id", flat=True)) == sorted([claim.pk, mention.pk])
    assert {(e.pgh_user, e.origin) for e in deleted} == {(admin.pk, "admin")}


def test_the_entity_page_says_which_changes_came_with_a_merge(client_for, editor):
    survivor, duplicate = make_entity("Kim Dzsongun"), make_entity("Kim Jong Un")
    entity_services.merge_entities(survivor, duplicate, by=editor)
    html = client_for(editor).get(reverse("entities:detail", args=[survivor.pk])).content.decode()
    assert 'Changed by erika</span> <span class="history-merge">(in a merge)</span>' in html
    assert "<ins>+ Kim Jong Un</ins>" in html


def test_the_activity_page_filters_by_day_in_the_newsrooms_time_zone(client_for, admin, editor, article):
    from django.utils import timezone

    _claim(article, editor)
    today = timezone.localdate()
    url = reverse("history:activity")
    client = client_for(admin)
    assert "minden rendben van" in client.get(url, {"since": today, "until": today}).content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    assert "minden rendben van" not in client.get(url, {"since": tomorrow}).content.decode()


def test_the_activity_page_takes_the_last_day_there_is_as_its_end(client_for, admin, editor, article):
    # The day after it is past what a date can hold: the filter still answers, with everything up to it.
    _claim(article, editor)
    response = client_for(admin).get(reverse("history:activity"), {"until": "9999-12-31"})
    assert response.status_code == 200
    assert "minden rendben van" in response.content.decode()


def test_only_a_deleted_annotation_is_offered_for_restoring_not_an_entity_sharing_its_id(admin, editor, article):
    from history.queries import activity, resolve

    claim = _claim(article, editor)
    namesake = make_entity("Ugyanaz az azonosító", pk=claim.pk)  # ids of different tables may coincide
    annotation_services.delete_annotation(claim, by=editor)
    entity_services.delete_entities(Entity.objects.filter(pk=namesake.pk), by=admin)
    entries = resolve(activity(action="deleted"))
    assert {(entry.model, entry.restorable) for entry in entries} == {("annotation", True), ("entity", False)}
