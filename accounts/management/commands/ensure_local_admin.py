import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import roles

PASSWORD_FILE = Path(settings.BASE_DIR, ".admin-password")


class Command(BaseCommand):
    help = "Make sure a local admin account exists and print how to log in (for `make run`, not production)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/accounts/login/")

    @transaction.atomic
    def handle(self, *args, username: str, url: str, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        saved = PASSWORD_FILE.read_text().strip() if PASSWORD_FILE.exists() else None
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            PASSWORD_FILE.touch(mode=0o600)
            PASSWORD_FILE.write_text(password + "\n")
        elif saved and user.check_password(saved):
            password = saved
        else:
            self.stdout.write(
                f"The account {username!r} exists with a password this checkout does not know.\n"
                f"Set one with: .venv/bin/python manage.py changepassword {username}"
            )
            return
        user.groups.add(Group.objects.get(name=roles.ADMINS))
        self.stdout.write(
            self.style.SUCCESS(f"Log in at {url} as {username} with password {password}")
            + f"\n(saved in {PASSWORD_FILE.name}, which git ignores)"
        )
