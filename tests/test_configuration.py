"""Settings from the environment: DATABASE_URL, a checkout without settings, production checks, the local admin."""

import contextlib
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.management.commands import ensure_local_admin
from newsroom.database import database_url, parse_database_url
from newsroom.env import env_bool, env_int, env_site_url, env_url, local_secret_key
from tests.processes import current_database_url

ROOT = Path(__file__).resolve().parent.parent


class TestDatabaseUrl:
    def test_it_reads_every_part(self):
        config = parse_database_url("postgres://news:p%40ss@db.internal:6543/newsroom?sslmode=require")
        assert config["NAME"] == "newsroom"
        assert (config["USER"], config["PASSWORD"]) == ("news", "p@ss")
        assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")
        assert config["OPTIONS"] == {"sslmode": "require"}

    def test_a_unix_socket_directory_comes_as_the_host_option(self):
        config = parse_database_url("postgresql://postgres@/newsroom?host=/run/postgresql")
        assert (config["HOST"], config["PORT"], config["OPTIONS"]) == ("/run/postgresql", "", {})

    @pytest.mark.parametrize(
        "url",
        [
            "postgresql://news:p%40ss@db.internal:6543/newsroom?sslmode=require",
            "postgresql://postgres@/test_newsroom?host=/work/main/.pgdata",
            "postgresql://postgres@127.0.0.1/newsroom",
        ],
    )
    def test_a_url_made_from_settings_reads_back_the_same(self, url):
        settings = parse_database_url(url)
        assert parse_database_url(database_url(settings)) == settings

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("sqlite:///db.sqlite3", "must start with postgres:// or postgresql://, not sqlite://"),
            ("db.internal/newsroom", "not (nothing)://"),
            ("postgres://db.internal:5432/", "names no database"),
        ],
    )
    def test_it_refuses_what_it_cannot_use(self, url, message):
        with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_database_url(url)


def test_a_boolean_setting_must_be_a_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG")


class TestContentSecurityPolicy:
    @pytest.mark.django_db
    def test_pages_come_with_it_enforced(self, client):
        response = client.get("/accounts/login/")
        assert response.headers["Content-Security-Policy"] == (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        )

    def test_a_report_uri_from_the_environment_is_added(self):
        show = (
            "from django.conf import settings; from django.utils.csp import build_policy;"
            "print(build_policy(settings.SECURE_CSP))"
        )
        result = manage("shell", "--no-imports", "-c", show, CSP_REPORT_URI="https://reports.example.org/csp/1")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith("; object-src 'none'; report-uri https://reports.example.org/csp/1")

    @pytest.mark.parametrize(
        "url", ["https://reports.example.org/csp?key=1", "http://10.0.0.5:8080/csp", "/csp-reports/"]
    )
    def test_a_report_uri_is_a_url_or_a_path(self, monkeypatch, url):
        monkeypatch.setenv("CSP_REPORT_URI", f" {url} ")
        assert env_url("CSP_REPORT_URI") == url

    @pytest.mark.parametrize(
        "value",
        ["reports.example.org/csp", "javascript:alert(1)", "https:///csp", "/csp; script-src *", "/a /b", "/a,/b"],
    )
    def test_anything_else_is_refused(self, monkeypatch, value):
        monkeypatch.setenv("CSP_REPORT_URI", value)
        with pytest.raises(ImproperlyConfigured, match=r"^CSP_REPORT_URI=.* is not a URL: use https://host/path or a"):
            env_url("CSP_REPORT_URI")

    def test_a_bad_one_stops_the_app_in_one_line(self):
        result = manage("check", CSP_REPORT_URI="reports.example.org")
        assert result.returncode == 2
        assert result.stderr == (
            "Configuration error: CSP_REPORT_URI='reports.example.org' is not a URL: "
            "use https://host/path or a path starting with /.\n"
        )


class TestTheSiteURL:
    @pytest.mark.parametrize(
        ("value", "read"),
        [
            ("https://news.example.org/", "https://news.example.org"),
            ("http://host:8000/hirek", "http://host:8000/hirek"),
        ],
    )
    def test_it_is_kept_without_a_trailing_slash(self, monkeypatch, value, read):
        monkeypatch.setenv("NEWSROOM_URL", value)
        assert env_site_url("NEWSROOM_URL", "http://localhost:8000") == read

    @pytest.mark.parametrize("value", ["news.example.org", "ftp://news.example.org", "https://host/?a=1", "https://"])
    def test_anything_else_is_refused(self, monkeypatch, value):
        monkeypatch.setenv("NEWSROOM_URL", value)
        with pytest.raises(ImproperlyConfigured, match=r"^NEWSROOM_URL=.* is not a site URL"):
            env_site_url("NEWSROOM_URL", "http://localhost:8000")

    def test_addresses_are_made_under_it_outside_requests_and_inside(self, settings):
        from django.urls import set_script_prefix

        from newsroom.site import absolute, absolute_url

        settings.NEWSROOM_URL = "https://example.org/hirek"
        assert absolute_url("articles:list") == "https://example.org/hirek/articles/"
        set_script_prefix("/hirek/")  # as a request to an app mounted at /hirek/ has it
        try:
            assert absolute_url("articles:list") == "https://example.org/hirek/articles/"
            assert absolute("/") == "https://example.org/hirek/"
        finally:
            set_script_prefix("/")


def test_a_lease_of_no_time_is_refused(monkeypatch):
    monkeypatch.setenv("IMPORT_LEASE_SECONDS", "0")
    with pytest.raises(ImproperlyConfigured, match="IMPORT_LEASE_SECONDS='0' is too small; it must be at least 1"):
        env_int("IMPORT_LEASE_SECONDS", 300, minimum=1)


# Not what the test run set for itself (tests/settings.py), only what a test gives.
OURS = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_env(**env: str) -> dict[str, str]:
    """A fresh shell's environment with the test database, and `env`."""
    clean = {key: value for key, value in os.environ.items() if key not in OURS}
    return {**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DATABASE_URL": current_database_url(), **env}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(port: int, **env: str) -> Iterator[subprocess.Popen]:
    """The app served as README.md's "Deploying" says, in a fresh shell's environment and `env`."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=clean_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so that its worker ends with it
    )
    try:
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.communicate()


def refusal(port: int, **env: str) -> tuple[int, str]:
    """The exit status and standard error of a gunicorn that should not start."""
    with gunicorn(port, **env) as server:
        _, stderr = server.communicate(timeout=60)
    return server.returncode, stderr


@pytest.mark.django_db
class TestACheckoutWithoutSettings:
    """README's commands in a fresh shell: no DEBUG, SECRET_KEY or ALLOWED_HOSTS."""

    def test_the_checks_pass(self):
        result = manage("check")
        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout

    @pytest.mark.django_db(transaction=True)  # the import commits in another process; the flush after cleans up
    def test_the_seeds_import(self):
        result = manage("import_seeds", "--json", "seeds/")
        assert result.returncode in (0, 1), result.stderr  # 1 would be about the files, not the settings
        assert "Traceback" not in result.stderr
        assert json.loads(result.stdout)["files"]

    def test_it_keeps_its_own_key_in_a_file_only_its_owner_reads(self):
        key_digest = (
            "import hashlib; from django.conf import settings;"
            "print(hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest())"
        )
        first, second = (
            manage("shell", "--no-imports", "-c", key_digest),
            manage("shell", "--no-imports", "-c", key_digest),
        )
        assert first.returncode == 0, first.stderr
        key_file = ROOT / ".secret-key"
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        assert first.stdout == second.stdout == hashlib.sha256(key_file.read_text().strip().encode()).hexdigest() + "\n"

    def test_a_setting_that_makes_no_sense_is_one_line(self):
        result = manage("check", DEBUG="maybe")
        assert result.returncode == 2
        assert result.stderr == (
            "Configuration error: DEBUG='maybe' is not a boolean; use 1/0, true/false, yes/no or on/off.\n"
        )


class TestLocalSecretKey:
    def test_it_is_made_once_for_its_owner_alone(self, tmp_path):
        path = tmp_path / ".secret-key"
        key = local_secret_key(path)
        assert len(key) >= 50
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert local_secret_key(path) == key
        assert [p.name for p in tmp_path.iterdir()] == [".secret-key"]  # no temporary file left behind

    def test_processes_starting_together_share_one_key(self, tmp_path):
        path = tmp_path / ".secret-key"
        with ThreadPoolExecutor(8) as pool:
            keys = set(pool.map(lambda _: local_secret_key(path), range(32)))
        assert keys == {path.read_text().strip()}

    @pytest.mark.parametrize("name", [".secret-key", ".secret-key.k3y_t3mp"])  # the key, one being made
    def test_git_ignores_it(self, name):
        if shutil.which("git") is None or not (ROOT / ".git").exists():
            pytest.skip("not a git checkout")
        assert subprocess.run(["git", "check-ignore", "--quiet", "--no-index", name], cwd=ROOT).returncode == 0

    def test_where_it_cannot_be_written_the_secret_key_must_be_set(self, tmp_path):
        # As on a read-only deployment (a folder that is not there fails the same way, even for root).
        with pytest.raises(ImproperlyConfigured, match=r"^Set SECRET_KEY: it is not in the environment, and no local"):
            local_secret_key(tmp_path / "not-there" / ".secret-key")


@pytest.mark.django_db
class TestProductionSettings:
    def test_the_server_refuses_to_start_without_them(self):
        status, stderr = refusal(free_port())
        assert status != 0
        assert (
            "Configuration error: Set SECRET_KEY and ALLOWED_HOSTS to serve Newsroom in production (DEBUG is off).\n"
        ) in stderr
        assert "Traceback" not in stderr

    def test_the_server_names_what_is_missing(self):
        status, stderr = refusal(free_port(), SECRET_KEY=secrets.token_urlsafe(50))
        assert status != 0
        assert "Configuration error: Set ALLOWED_HOSTS to serve Newsroom in production (DEBUG is off).\n" in stderr
        assert "Traceback" not in stderr

    def test_with_them_the_server_answers(self):
        port = free_port()
        production = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0"}
        with gunicorn(port, **production) as server:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, server.communicate()[1]
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request("GET", "/")
                    response = connection.getresponse()
                    break
                except ConnectionRefusedError:
                    assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
                    time.sleep(0.2)
        assert response.status == 302  # to the login page: the app is up
        assert response.getheader("Location") == "/accounts/login/?next=/"

    def test_the_deployment_checklist_is_clean(self):
        result = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="news.example.org",
        )
        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
class TestLocalAdmin:
    @pytest.fixture(autouse=True)
    def password_file(self, tmp_path, monkeypatch):
        path = tmp_path / ".admin-password"
        monkeypatch.setattr(ensure_local_admin, "PASSWORD_FILE", path)
        return path

    def test_it_creates_an_admin_and_prints_how_to_log_in(self, capsys, password_file):
        call_command("ensure_local_admin")
        password = password_file.read_text().strip()
        assert f"as admin with password {password}" in capsys.readouterr().out
        admin = User.objects.get(username="admin")
        assert admin.check_password(password) and admin.is_superuser
        assert list(admin.groups.values_list("name", flat=True)) == ["Admins"]
        assert oct(password_file.stat().st_mode & 0o777) == "0o600"

    def test_running_it_again_keeps_the_account_and_its_password(self, capsys, password_file):
        call_command("ensure_local_admin")
        first = password_file.read_text()
        call_command("ensure_local_admin")
        assert password_file.read_text() == first
        assert User.objects.filter(username="admin").count() == 1
        assert capsys.readouterr().out.count(first.strip()) == 2

    def test_it_does_not_reset_a_password_it_did_not_set(self, capsys, password_file):
        User.objects.create_superuser("admin", password="chosen-by-a-person")
        call_command("ensure_local_admin")
        assert "exists with a password this checkout does not know" in capsys.readouterr().out
        assert User.objects.get(username="admin").check_password("chosen-by-a-person")
        assert not password_file.exists()
