"""The Import annotations page: Admins upload an export, and see what became of each annotation."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.exporting import FORMATS
from annotations.models import Annotation
from articles.models import Article
from tests.factories import make_article, span_of

pytestmark = pytest.mark.django_db

URL = reverse("annotations:import")
BODY = "Kim 🚀 Dzsongun Phenjanba ment. „Hősök” – mondta Kim Dzsongun akkor."


@pytest.fixture
def exported(editor) -> bytes:
    article = make_article(BODY)
    for text, kind in (("Hősök", "quote"), ("Phenjanba ment", "claim"), ("Dzsongun", "entity")):
        services.create_annotation(article=article, kind=kind, start=(span := span_of(article, text))[0],
                                   end=span[1], by=editor)  # fmt: skip
    return "".join(FORMATS["w3c"].lines(Article.objects.all(), Annotation.objects.all())).encode()


def upload(client, data: bytes, name: str = "annotations.jsonld", **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields})


class TestPermissions:
    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_an_editor_may_not_open_or_use_it(self, client_for, editor, exported):
        client = client_for(editor)
        assert client.get(URL).status_code == 403
        Annotation.objects.all().delete()
        assert upload(client, exported).status_code == 403
        assert not Annotation.objects.exists()

    def test_an_upload_needs_the_csrf_token(self, admin, exported):
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin)
        assert upload(client, exported).status_code == 403

    def test_admins_find_it_from_the_import_page(self, client_for, admin):
        page = client_for(admin).get(reverse("imports:import")).content.decode()
        assert f'href="{URL}"' in page


class TestUpload:
    def test_the_report_says_what_was_created_moved_and_orphaned(self, client_for, admin, exported):
        article = Article.objects.get()
        Annotation.objects.all().delete()
        # The text moved, and the claim's words are gone.
        new_body = "Előbb ez. " + BODY.replace("Phenjanba ment", "Szöulba ment")
        Article.objects.filter(pk=article.pk).update(body=new_body)
        response = upload(client_for(admin), exported)
        assert response.status_code == 200
        page = response.content.decode()
        assert Annotation.objects.count() == 2
        assert "The quoted text is not in the article." in page
        hosok = Annotation.objects.get(kind="quote")
        assert f'href="/articles/{article.pk}/#a-{hosok.pk}"' in page  # re-anchored, linked where it is now
        assert hosok.start == new_body.index("Hősök")

    def test_a_second_upload_adds_nothing(self, client_for, admin, exported):
        Annotation.objects.all().delete()
        client = client_for(admin)
        upload(client, exported)
        before = list(Annotation.objects.values_list("pk", flat=True))
        upload(client, exported)
        assert list(Annotation.objects.values_list("pk", flat=True)) == before

    def test_checking_only_stores_nothing(self, client_for, admin, exported):
        Annotation.objects.all().delete()
        response = upload(client_for(admin), exported, dry_run="on")
        assert response.status_code == 200 and "checked, nothing stored" in response.content.decode()
        assert not Annotation.objects.exists()

    def test_text_from_the_file_is_escaped(self, client_for, admin, exported):
        document = json.loads(exported)
        document["first"]["items"][0]["id"] = "<script>alert(1)</script>"
        document["first"]["items"][0]["body"][0]["value"] = "<b>rumour</b>"
        page = upload(client_for(admin), json.dumps(document).encode()).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
        assert "&#x27;&lt;b&gt;rumour&lt;/b&gt;&#x27;" in page


class TestRefusals:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"this is not json", "annotations.jsonld: This is neither JSON nor JSON Lines"),
            (b'{"type": "Person"}', "annotations.jsonld: This is not a W3C Web Annotation document"),
            (b"\xff\xfe", "annotations.jsonld: The file is not UTF-8 text."),
            (b"[" * 100_000 + b"]" * 100_000, "annotations.jsonld: The file is nested too deeply"),
        ],
    )
    def test_a_bad_file_is_refused_with_the_reason(self, client_for, admin, data, message):
        response = upload(client_for(admin), data)
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_nothing_chosen_is_refused(self, client_for, admin):
        response = client_for(admin).post(URL, {})
        assert response.status_code == 400
        assert "Choose a file of annotations" in response.content.decode()

    def test_admins_may_send_more_than_other_requests_up_to_the_pages_limit(
        self, client_for, admin, settings, exported
    ):
        settings.REQUEST_MAX_BODY_BYTES = 2000
        client = client_for(admin)
        padded = exported + b" " * 3000  # over the general limit, under the page's
        assert upload(client, padded).status_code == 200
        settings.ANNOTATION_IMPORT_MAX_BYTES = 4000
        response = upload(client, padded + b" " * 2000)
        assert response.status_code == 413
        assert "manage.py import_annotations" in response.content.decode()

    def test_others_get_the_general_limit(self, client_for, editor, settings, exported):
        settings.REQUEST_MAX_BODY_BYTES = 2000
        assert upload(client_for(editor), exported + b" " * 3000).status_code == 413
