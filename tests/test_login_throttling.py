"""Login throttling (accounts/throttling.py): accounts and addresses locked out after failed logins."""

import logging
import math
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format

from accounts.throttling import client_address
from newsroom.env import env_int

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("articles:list")
REFUSED = "Too many failed attempts to log in."
HERE, ELSEWHERE = "192.0.2.10", "198.51.100.20"


class CountingHasher(MD5PasswordHasher):
    """The test run's hasher, counting the passwords it hashes (checking a password hashes it)."""

    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    return CountingHasher


def log_in(client: Client, username: str, password: str, address: str = HERE, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def fail(client: Client, username: str, times: int, address: str = HERE) -> list[int]:
    return [log_in(client, username, "wrong-password", address).status_code for _ in range(times)]


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == HOME


class TestAccountLockout:
    def test_after_the_limit_the_right_password_is_refused_and_not_even_hashed(self, client, editor, hasher):
        limit = settings.AXES_FAILURE_LIMIT
        before = hasher.hashed

        statuses = fail(client, "erika", limit)
        refused = log_in(client, "erika", "erika-password")

        # The last failure reaches the limit and already gets the lockout page.
        assert statuses == [200] * (limit - 1) + [429]
        assert refused.status_code == 429
        assert REFUSED in refused.content.decode()
        assert "_auth_user_id" not in client.session
        assert hasher.hashed - before == limit  # one per failure; none for the refused attempt

    def test_a_locked_account_is_refused_from_any_address(self, client, editor, hasher):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT, HERE)
        before = hasher.hashed
        response = log_in(Client(), "erika", "erika-password", ELSEWHERE)
        assert response.status_code == 429 and REFUSED in response.content.decode()
        assert hasher.hashed == before

    def test_other_accounts_are_not_locked_with_it(self, client, editor, other_editor):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        assert logged_in(log_in(Client(), "ede", "ede-password"))

    def test_the_page_says_when_to_try_again(self, client, editor):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        last_failure = timezone.now() - timedelta(seconds=90)  # the lockout ends in the middle of a minute
        AccessAttempt.objects.update(attempt_time=last_failure)
        response = client.post(
            LOGIN, {"username": "erika", "password": "erika-password", "next": "/articles/7/"}, REMOTE_ADDR=HERE
        )
        html = response.content.decode()
        ends = last_failure + settings.AXES_COOLOFF_TIME
        minutes = math.ceil((settings.AXES_COOLOFF_TIME - timedelta(seconds=90)).total_seconds() / 60)
        # The minute after the lockout ends, in the site's time zone.
        shown = time_format(timezone.localtime(ends.replace(second=0, microsecond=0) + timedelta(minutes=1)))
        assert f"{REFUSED} Try again in {minutes} minutes (at {shown})." in html
        assert abs(int(response["Retry-After"]) - (ends - timezone.now()).total_seconds()) < 5
        # Still the login page, the username kept, the page to go to afterwards too.
        assert 'name="password"' in html and 'value="erika"' in html and 'value="/articles/7/"' in html

    def test_the_admin_login_is_refused_as_well(self, client, admin):
        admin.is_staff = True
        admin.save()
        fail(client, "adel", settings.AXES_FAILURE_LIMIT)
        response = client.post(reverse("admin:login"), {"username": "adel", "password": "adel-password"})
        assert response.status_code == 429 and REFUSED in response.content.decode()

    def test_it_does_not_tell_whether_the_account_exists(self, client, editor):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        fail(client, "nobody", settings.AXES_FAILURE_LIMIT, ELSEWHERE)
        AccessAttempt.objects.update(attempt_time=timezone.now())  # both end at the same time
        real = log_in(client, "erika", "erika-password")
        made_up = log_in(client, "nobody", "erika-password", ELSEWHERE)

        def page(response) -> str:
            html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"\w+"', "", response.content.decode())
            return html.replace("erika", "…").replace("nobody", "…")

        assert real.status_code == made_up.status_code == 429
        assert page(real) == page(made_up)


class TestAddressLockout:
    def test_an_address_is_locked_for_every_account_after_its_limit(self, client, editor, other_editor, hasher):
        # Failures spread over made-up usernames, none reaching the account limit.
        per_name = settings.AXES_FAILURE_LIMIT - 1
        failures = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        for n in range(failures // per_name):
            fail(client, f"guess{n}", per_name)
        assert fail(client, "last-guess", failures % per_name + 1)[-1] == 429  # one over

        before = hasher.hashed
        refused = log_in(Client(), "ede", "ede-password", HERE)
        assert refused.status_code == 429 and REFUSED in refused.content.decode()
        assert hasher.hashed == before
        # The same account from another address is not locked.
        assert logged_in(log_in(Client(), "ede", "ede-password", ELSEWHERE))

    def test_an_address_alone_under_its_limit_is_not_locked(self, client, other_editor):
        for n in range(3):
            fail(client, f"guess{n}", settings.AXES_FAILURE_LIMIT - 1)
        assert logged_in(log_in(client, "ede", "ede-password"))


class TestClientAddress:
    def request(self, remote: str, forwarded: str | None = None) -> HttpRequest:
        headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
        return RequestFactory().post(LOGIN, REMOTE_ADDR=remote, headers=headers)

    def test_without_trusted_proxies_x_forwarded_for_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_address(self.request(HERE, "203.0.113.5")) == HERE

    def test_behind_proxies_it_is_the_address_the_outermost_one_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client sent an X-Forwarded-For of its own; nginx appended the address it saw.
        assert client_address(self.request("127.0.0.1", "1.1.1.1, 203.0.113.5")) == "203.0.113.5"
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_address(self.request("127.0.0.1", "1.1.1.1, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"
        assert client_address(self.request("127.0.0.1")) == "127.0.0.1"  # not through the proxies

    def test_what_is_no_address_is_none(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_address(self.request("127.0.0.1", "unknown")) is None
        assert client_address(self.request("fe80::1%eth0")) == "fe80::1"

    def test_a_forged_header_does_not_escape_a_locked_address(self, client, editor, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        response = log_in(client, "erika", "erika-password", headers={"X-Forwarded-For": ELSEWHERE})
        assert response.status_code == 429

    def test_behind_a_proxy_each_client_counts_on_its_own(self, client, other_editor, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        through_nginx = {"REMOTE_ADDR": "127.0.0.1"}
        for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
            client.post(
                LOGIN, {"username": f"guess{n}", "password": "x"}, headers={"X-Forwarded-For": HERE}, **through_nginx
            )

        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HERE}
        credentials = {"username": "ede", "password": "ede-password"}
        assert client.post(LOGIN, credentials, headers={"X-Forwarded-For": HERE}, **through_nginx).status_code == 429
        assert logged_in(Client().post(LOGIN, credentials, headers={"X-Forwarded-For": ELSEWHERE}, **through_nginx))


class TestExpiry:
    def move_attempts_back(self, by: timedelta) -> None:
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)

    def test_the_lockout_ends_after_the_cool_off(self, client, editor):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        self.move_attempts_back(settings.AXES_COOLOFF_TIME - timedelta(seconds=50))
        almost = log_in(client, "erika", "erika-password")
        assert almost.status_code == 429 and "Try again in 1 minute (at" in almost.content.decode()

        self.move_attempts_back(timedelta(seconds=51))
        assert logged_in(log_in(client, "erika", "erika-password"))

    def test_trying_during_a_lockout_does_not_extend_it(self, client, editor):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        self.move_attempts_back(settings.AXES_COOLOFF_TIME - timedelta(seconds=50))
        assert fail(client, "erika", 10) == [429] * 10
        self.move_attempts_back(timedelta(seconds=51))
        assert logged_in(log_in(client, "erika", "erika-password"))

    def test_logging_in_forgives_ones_own_mistypings(self, client, editor):
        limit = settings.AXES_FAILURE_LIMIT
        fail(client, "erika", limit - 1)
        assert logged_in(log_in(client, "erika", "erika-password"))
        assert fail(client, "erika", limit) == [200] * (limit - 1) + [429]


class TestLog:
    def test_each_lockout_is_logged_once_naming_what_is_locked(self, client, editor, caplog):
        with caplog.at_level(logging.WARNING, logger="accounts.throttling"):
            fail(client, "erika", settings.AXES_FAILURE_LIMIT + 3)
            log_in(client, "erika", "erika-password")

        [record] = [r for r in caplog.records if r.name == "accounts.throttling"]
        assert record.levelno == logging.WARNING
        message = record.getMessage()
        assert "Login lockout until" in message and "'erika'" in message and HERE in message
        assert f"after {settings.AXES_FAILURE_LIMIT} failed logins" in message

    def test_an_address_lockout_names_the_address_and_no_username(self, client, caplog):
        with caplog.at_level(logging.WARNING, logger="accounts.throttling"):
            for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
                fail(client, f"my-password-{n}", 1)

        [record] = [r for r in caplog.records if r.name == "accounts.throttling"]
        assert HERE in record.getMessage() and "my-password" not in record.getMessage()


class TestAdmin:
    def test_an_admin_sees_a_lockout_and_lifts_it(self, client, editor, admin):
        fail(client, "erika", settings.AXES_FAILURE_LIMIT)
        admin.is_staff = True
        admin.save()
        staff = Client()
        staff.force_login(admin)

        listing = staff.get("/admin/axes/accessattempt/", {"q": "erika"})
        assert listing.status_code == 200
        html = listing.content.decode()
        assert "erika" in html and HERE in html and "account locked out" in html

        attempts = list(AccessAttempt.objects.filter(username="erika").values_list("pk", flat=True))
        assert staff.get(f"/admin/axes/accessattempt/{attempts[0]}/change/").status_code == 200
        lifted = staff.post(
            "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
        )
        assert lifted.status_code == 302
        assert not AccessAttempt.objects.exists()
        assert logged_in(log_in(client, "erika", "erika-password"))

    def test_an_address_lockout_shows_on_every_attempt_from_it(self, client, admin):
        for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
            fail(client, f"guess{n}", 1)
        staff = Client()
        staff.force_login(User.objects.create_superuser("boss", password="x"))
        html = staff.get("/admin/axes/accessattempt/").content.decode()
        assert html.count("address locked out") == settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def test_editors_do_not_see_the_attempts(self, editor):
        editor.is_staff = True
        editor.save()
        staff = Client()
        staff.force_login(editor)
        assert staff.get("/admin/axes/accessattempt/").status_code == 403


class TestTestClients:
    """What tests log in with keeps working beside the throttle."""

    def test_force_login_logs_in(self, client, editor):
        client.force_login(editor)
        assert client.get(HOME).status_code == 200

    def test_login_needs_a_request_to_pass_the_throttle(self, client, editor):
        assert client.login(request=HttpRequest(), username="erika", password="erika-password")
        assert client.get(HOME).status_code == 200
        with pytest.raises(ValueError, match="requires a request"):
            Client().login(username="erika", password="erika-password")


def test_a_limit_must_be_at_least_one(monkeypatch):
    monkeypatch.setenv("LOGIN_ACCOUNT_FAILURE_LIMIT", "0")
    with pytest.raises(
        ImproperlyConfigured, match="LOGIN_ACCOUNT_FAILURE_LIMIT='0' is too small; it must be at least 1"
    ):
        env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 5, minimum=1)
