"""The Django admin: every model's list, search and edit page works."""

import pytest
from django.contrib.auth.models import User

from annotations.models import Annotation
from imports.running import create_batch, run_batch
from imports.uploads import Entry
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("boss", password="x"))
    return client


def test_every_admin_page_renders(superuser_client, editor):
    article = make_article("Kim Dzsongun Phenjanban. Szöveg.")
    kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    annotation = make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=kim)
    batch = create_batch([Entry("a.txt", b"date 2025 Szia.")], user=editor, uploads="a.txt", in_background=False)
    run_batch(batch.pk)
    for url in [
        "/admin/articles/article/",
        "/admin/articles/article/?q=Kim&status__exact=new",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/entities/entity/?q=Kim+Jong+Un",
        f"/admin/entities/entity/{kim.pk}/change/",
        "/admin/annotations/annotation/?kind__exact=entity",
        f"/admin/annotations/annotation/{annotation.pk}/change/",
        "/admin/imports/importbatch/",
        f"/admin/imports/importbatch/{batch.pk}/change/",
        "/admin/imports/importedfile/?status__exact=imported",
        f"/admin/imports/importedfile/{batch.files.get().pk}/change/",
    ]:
        response = superuser_client.get(url)
        assert response.status_code == 200, url


def test_an_entity_is_found_by_an_alias(superuser_client):
    make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    make_entity("Szergej Sojgu")
    response = superuser_client.get("/admin/entities/entity/", {"q": "Kim Jong Un"})
    assert [e.name for e in response.context["cl"].result_list] == ["Kim Dzsongun"]


def test_the_body_cannot_be_edited_in_the_admin(superuser_client, editor):
    article = make_article("Kim Dzsongun Phenjanban. Szöveg.")
    make_annotation(article, 0, 3, author=editor, kind=Annotation.Kind.ENTITY)
    superuser_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "Új",
            "status": "new",
            "published_on": "2025-06-01",
            "date_precision": "month",
            "language": "hu",
            "body": "Más szöveg",
        },
    )
    article.refresh_from_db()
    assert article.title == "Új"
    assert article.body == "Kim Dzsongun Phenjanban. Szöveg."


def test_the_admin_changes_and_deletes_annotations_as_the_page_does(superuser_client, editor):
    article = make_article("Kim Dzsong Un Phenjanban. Szöveg.")
    mention = make_annotation(article, 0, 13, author=editor, kind=Annotation.Kind.ENTITY)
    kim = make_entity("Kim Dzsongun")
    response = superuser_client.post(
        f"/admin/annotations/annotation/{mention.pk}/change/",
        {"entity": kim.pk, "note": "Más átírás.", "verdict": "", "evidence": "", "quote_type": "", "cue_verb": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mention.refresh_from_db()
    kim.refresh_from_db()
    assert (mention.entity, mention.note) == (kim, "Más átírás.")
    assert kim.aliases == ["Kim Dzsong Un"]  # the words became a spelling of the name, as on the page

    response = superuser_client.post(
        "/admin/annotations/annotation/",
        {"action": "delete_selected", "_selected_action": [mention.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Annotation.objects.exists()


def test_a_staff_editor_sees_someone_elses_annotation_read_only_in_the_admin(client_for, editor, other_editor):
    other_editor.is_staff = True
    other_editor.save()
    article = make_article("Kim Dzsongun Phenjanban. Szöveg.")
    claim = make_annotation(article, 0, 12, author=editor, kind=Annotation.Kind.CLAIM)
    client = client_for(other_editor)
    page = client.get(f"/admin/annotations/annotation/{claim.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(f"/admin/annotations/annotation/{claim.pk}/change/", {"verdict": "false", "note": "enyém"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.verdict, claim.note) == ("unverified", "")
