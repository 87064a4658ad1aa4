"""Settings from the environment: DATABASE_URL, production checks, the local admin account."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.management.commands import ensure_local_admin
from newsroom.database import database_url, parse_database_url
from newsroom.env import env_bool
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


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Not what the test run set for itself (tests/settings.py), only what the test gives.
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in ours}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DATABASE_URL": current_database_url(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
class TestProductionSettings:
    def test_without_debug_a_secret_key_is_required(self):
        result = manage("check")
        assert result.returncode != 0
        assert "Set SECRET_KEY (or DEBUG=1 for local development)." in result.stderr

    def test_without_debug_allowed_hosts_are_required(self):
        result = manage("check", SECRET_KEY="x" * 60)
        assert "Set ALLOWED_HOSTS to the host names the site is served on." in result.stderr

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
