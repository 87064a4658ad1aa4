"""API tokens: made and revoked on one's own account page (accounts.services), only a hash kept."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import ApiToken
from tests.test_languages import _VisibleText, english_words

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/"


class TestAccountPage:
    def test_it_lists_ones_own_tokens_only(self, client_for, editor, admin):
        services.create_api_token(name="heti jelentés", by=editor)
        services.create_api_token(name="admin szkript", by=admin)
        page = client_for(editor).get(ACCOUNT).content.decode()
        assert "heti jelentés" in page
        assert "admin szkript" not in page

    def test_the_header_links_to_it_from_the_users_name(self, client_for, editor):
        page = client_for(editor).get(reverse("articles:list")).content.decode()
        assert f'href="{ACCOUNT}"' in page

    def test_it_needs_a_login(self, db):
        response = Client().get(ACCOUNT)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_someone_without_a_role_has_it_too(self, client_for, stranger):
        assert client_for(stranger).get(ACCOUNT).status_code == 200

    def test_it_speaks_hungarian(self, client_for, editor):
        services.create_api_token(name="szkript", by=editor)
        revoked, _ = services.create_api_token(name="régi", by=editor)
        services.revoke_api_token(revoked, by=editor)
        client = client_for(editor)
        english = english_words()
        made = client.post(reverse("api-token-create"), {"name": "új"}, headers={"accept-language": "hu"})
        for response in (client.get(ACCOUNT, headers={"accept-language": "hu"}), made):
            parser = _VisibleText()
            parser.feed(response.content.decode())
            assert not {w for w in parser.words if w.lower() in english and w != "English"}


class TestMakingAToken:
    def test_its_secret_is_shown_once_and_only_its_hash_is_kept(self, client_for, editor):
        client = client_for(editor)
        response = client.post(reverse("api-token-create"), {"name": "  heti   jelentés "})
        assert response.status_code == 201
        assert "no-store" in response["Cache-Control"]
        token = ApiToken.objects.get(user=editor)
        secret = response.context["secret"]
        assert secret.startswith("nr_") and len(secret) > 40
        assert secret in response.content.decode()
        assert token.name == "heti jelentés"
        assert token.key_hash == ApiToken.hash(secret) and secret not in (token.key_hash, token.prefix)
        assert secret.startswith(token.prefix) and len(token.prefix) == 11
        again = client.get(ACCOUNT).content.decode()
        assert secret not in again
        assert token.prefix in again

    def test_with_htmx_the_token_list_comes_back(self, client_for, editor):
        response = client_for(editor).post(
            reverse("api-token-create"), {"name": "szkript"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 201
        page = response.content.decode()
        assert page.lstrip().startswith('<section id="api-tokens"')
        assert response.context["secret"] in page

    @pytest.mark.parametrize("name", ["", "   ", "x" * 101])
    def test_it_needs_a_name(self, client_for, editor, name):
        response = client_for(editor).post(reverse("api-token-create"), {"name": name})
        assert response.status_code == 422
        assert not ApiToken.objects.exists()

    def test_it_needs_a_post_with_csrf(self, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.get(reverse("api-token-create")).status_code == 405
        assert client.post(reverse("api-token-create"), {"name": "x"}).status_code == 403
        assert not ApiToken.objects.exists()

    def test_each_secret_is_new(self, editor):
        secrets = {services.create_api_token(name="x", by=editor)[1] for _ in range(5)}
        assert len(secrets) == 5

    def test_a_deactivated_account_cannot_make_one(self, editor):
        editor.is_active = False
        with pytest.raises(PermissionDenied):
            services.create_api_token(name="x", by=editor)


class TestRevokingAToken:
    def test_without_script_the_page_comes_back_and_the_token_stops_working(self, client_for, editor):
        token, secret = services.create_api_token(name="szkript", by=editor)
        response = client_for(editor).post(reverse("api-token-revoke", args=[token.pk]))
        assert response.status_code == 302 and response["Location"] == ACCOUNT
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/articles/").status_code == 401

    def test_with_htmx_the_token_list_comes_back_marked_revoked(self, client_for, editor):
        token, _ = services.create_api_token(name="szkript", by=editor)
        response = client_for(editor).post(reverse("api-token-revoke", args=[token.pk]), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert 'class="revoked"' in response.content.decode()

    def test_nobody_revokes_another_persons_token(self, client_for, editor, admin):
        token, _ = services.create_api_token(name="szkript", by=editor)
        assert client_for(admin).post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            services.revoke_api_token(token, by=admin)
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_revoking_again_keeps_the_first_time(self, editor):
        token, _ = services.create_api_token(name="szkript", by=editor)
        first = services.revoke_api_token(token, by=editor).revoked_at
        assert services.revoke_api_token(ApiToken.objects.get(pk=token.pk), by=editor).revoked_at == first

    def test_it_needs_a_post(self, client_for, editor):
        token, _ = services.create_api_token(name="szkript", by=editor)
        assert client_for(editor).get(reverse("api-token-revoke", args=[token.pk])).status_code == 405


class TestTheDatabaseKeeps:
    @pytest.mark.parametrize(
        "fields",
        [
            {"name": ""},
            {"key_hash": "not-a-hash"},
            {"prefix": "ghp_abc"},
        ],
    )
    def test_what_a_token_must_be(self, editor, fields):
        values = {"user": editor, "name": "x", "key_hash": "a" * 64, "prefix": "nr_abcdefgh", **fields}
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.create(**values)

    def test_each_hash_once(self, editor):
        ApiToken.objects.create(user=editor, name="x", key_hash="b" * 64, prefix="nr_abcdefgh")
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.create(user=editor, name="y", key_hash="b" * 64, prefix="nr_abcdefgh")
