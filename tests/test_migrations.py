"""Databases from before migrate forward with every row and permission kept."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts import roles
from annotations.models import Annotation
from articles.models import Article
from entities.models import Entity
from imports.models import ImportBatch

# The last migrations before Entity and Annotation left the articles app.
BEFORE = [("articles", "0006_entity_spelling_keys"), ("entities", None), ("annotations", None)]
BODY = "Kim Dzsongun Phenjanba ment. „Hősök” – mondta Kim Dzsongun."


def migrate_to(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_articles_entities_and_annotations_survive_the_move_to_their_own_apps():
    old = migrate_to(BEFORE).loader.project_state(BEFORE[:1]).apps
    user = old.get_model("auth", "User").objects.create(username="regi")
    editors = old.get_model("auth", "Group").objects.get(name="Editors")
    user.groups.add(editors)
    article = old.get_model("articles", "Article").objects.create(
        title="Régi cikk", body=BODY, published_on="2025-06-01", date_precision="month", content_sha256="a" * 64
    )
    kim = old.get_model("articles", "Entity").objects.create(
        name="Kim Dzsongun", kind="person", aliases=["Kim Jong Un"]
    )
    old.get_model("articles", "Annotation").objects.create(
        article=article, kind="quote", start=30, end=35, exact="Hősök", entity=kim, author=user, quote_type="direct"
    )

    content_types = old.get_model("contenttypes", "ContentType").objects
    old_ids = {model: content_types.get(app_label="articles", model=model).pk for model in ["entity", "annotation"]}

    call_command("migrate", verbosity=0)  # forward to the current schema, post_migrate included

    moved = Annotation.objects.select_related("article", "entity", "author").get()
    assert (moved.article.title, moved.exact, moved.quote_type) == ("Régi cikk", "Hősök", "direct")
    assert moved.entity == Entity.objects.get(name="Kim Dzsongun")
    assert moved.entity.aliases == ["Kim Jong Un"]
    assert Article.objects.get().annotations.get() == moved
    # The content types moved, so whatever points at them (permissions, admin log) moved with them.
    assert ContentType.objects.get_for_model(Entity).pk == old_ids["entity"]
    assert ContentType.objects.get_for_model(Annotation).pk == old_ids["annotation"]
    assert not ContentType.objects.filter(app_label="articles", model__in=["entity", "annotation"]).exists()
    # The editor keeps the right to annotate.
    regi = User.objects.get(username="regi")
    assert regi.has_perm("annotations.add_annotation") and regi.has_perm("entities.add_entity")
    assert set(
        Group.objects.get(name=roles.EDITORS).permissions.values_list("content_type__app_label", "codename")
    ) == set(roles.EDITOR_PERMISSIONS)


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits non-zero when one is missing


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_keeps_working():
    # Backward, the groups cannot be synced (the annotations app's permissions are gone): left alone.
    call_command("migrate", "annotations", "zero", verbosity=0)
    assert ContentType.objects.filter(app_label="articles", model="annotation").exists()
    anna = User.objects.create_user("anna")
    moderate = Permission.objects.get(content_type__app_label="articles", codename="moderate_annotation")
    anna.user_permissions.add(moderate)

    # As after a migrate that stopped between the apps: the new app's content type exists already.
    twin, _ = ContentType.objects.get_or_create(app_label="annotations", model="annotation")
    Permission.objects.get_or_create(content_type=twin, codename="moderate_annotation", defaults={"name": "x"})

    call_command("migrate", verbosity=0)

    assert not ContentType.objects.filter(app_label="articles", model="annotation").exists()
    assert User.objects.get(username="anna").has_perm("annotations.moderate_annotation")
    assert Group.objects.get(name=roles.ADMINS).permissions.filter(codename="moderate_annotation").exists()


@pytest.mark.django_db(transaction=True)
def test_duplicate_annotations_are_folded_into_one_keeping_what_each_held():
    """annotations 0003: one annotation per author, kind and span; the copies stored before are
    folded into the one changed last, their notes, links and details kept."""
    before = [("annotations", "0002_annotation_version_triggers")]
    old = migrate_to(before).loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="regi")
    article = old.get_model("articles", "Article").objects.create(
        title="Régi cikk", body=BODY, published_on="2025-06-01", date_precision="month", content_sha256="b" * 64
    )
    kim = old.get_model("entities", "Entity").objects.create(name="Kim Dzsongun", kind="person")
    Old = old.get_model("annotations", "Annotation")
    claim = {"article": article, "kind": "claim", "start": 0, "end": 12, "exact": "Kim Dzsongun", "author": user}
    Old.objects.create(**claim, verdict="false", note="Hamis.", evidence=["https://a.example/1"], entity=kim)
    Old.objects.create(**claim, verdict="unverified", note="Ellenőrizni.", evidence=["https://a.example/1"])
    last = Old.objects.create(**claim, verdict="unverified", note="", evidence=["https://b.example/2"])
    other = Old.objects.create(**{**claim, "kind": "entity", "verdict": ""})  # another kind: stays

    call_command("migrate", verbosity=0)

    folded = Annotation.objects.get(kind="claim")
    assert folded.pk == last.pk  # the one changed last
    assert folded.note == "Hamis.\n\nEllenőrizni."
    assert folded.evidence == ["https://a.example/1", "https://b.example/2"]
    assert (folded.verdict, folded.entity.name) == ("false", "Kim Dzsongun")
    assert Annotation.objects.get(kind="entity").pk == other.pk


@pytest.mark.django_db(transaction=True)
def test_an_import_left_running_before_leases_reads_as_interrupted_once_migrated():
    before_leases = [("imports", "0002_importedfile_no_default_order")]
    old = migrate_to(before_leases).loader.project_state(before_leases).apps
    user = old.get_model("auth", "User").objects.create(username="regi")
    batches = old.get_model("imports", "ImportBatch").objects
    yesterday = timezone.now() - datetime.timedelta(days=1)
    stuck = batches.create(created_by=user, uploads="regi.zip", status="running", created_at=yesterday)
    old.get_model("imports", "ImportedFile").objects.create(batch=stuck, position=0, name="a.txt", content=b"date 2025")
    finished = batches.create(created_by=user, uploads="kesz.zip", status="done", finished_at=yesterday)

    call_command("migrate", verbosity=0)

    assert list(ImportBatch.objects.interrupted().values_list("pk", "runs")) == [(stuck.pk, 1)]
    assert ImportBatch.objects.get(pk=stuck.pk).heartbeat_at == yesterday
    assert list(ImportBatch.objects.resumable().values_list("pk", flat=True)) == [stuck.pk]
    assert (ImportBatch.objects.get(pk=finished.pk).runs, ImportBatch.objects.get(pk=finished.pk).status) == (0, "done")


@pytest.mark.django_db(transaction=True)
def test_entities_made_before_the_search_column_are_found_by_a_similar_spelling():
    """entities 0003 fills the search column of every entity there is, not only of new ones."""
    before = [("entities", "0002_entity_counts_and_merges")]
    old = migrate_to(before).loader.project_state(before).apps
    old.get_model("entities", "Entity").objects.create(name="Szergej Sojgu", kind="person", aliases=["Sergei Shoigu"])

    call_command("migrate", verbosity=0)

    assert [entity.name for entity in Entity.objects.matching("Sojgunak")] == ["Szergej Sojgu"]
