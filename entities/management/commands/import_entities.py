import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entities import catalogue
from history.context import recording
from history.models import Origin
from imports.management.commands.import_seeds import Progress

IMPORT_PERMISSIONS = ["entities.add_entity", "entities.change_entity"]


class CommandLine:
    """Who acts when no --user is given: the operator running manage.py.

    Whoever can run this command holds the database's credentials and `manage.py shell`, so a
    permission check on top would protect nothing, and would only stop scripted imports where no
    person is at hand. It is defined here so that only a command can act as it.
    """

    is_active = True

    def has_perm(self, permission: str, obj=None) -> bool:
        return True


class Command(BaseCommand):
    help = (
        "Merge entities from JSON Lines or CSV files into the catalogue, one transaction per file; "
        "a file with a bad line is reported and nothing of it is stored. Exits with 1 when any line failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="*.jsonl or *.csv files")
        parser.add_argument(
            "--format", choices=list(catalogue.Format), help="the files' format, when their names do not say it"
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON report instead of text")
        parser.add_argument("--user", help="act as this user, who must be allowed to add and change entities")

    def handle(self, *args, **options):
        # History records the catalogue's changes as made by an import (and by --user, if given).
        with recording(origin=Origin.IMPORT.value):
            return self._import(*args, **options)

    def _import(self, *args, paths: list[Path], format: str | None, as_json: bool, user: str | None, **options):
        actor = self._actor(user)
        # Every file is read before anything is stored, so that the progress bar knows the total.
        readings = [(path, catalogue.read_path(path, catalogue.Format(format) if format else None)) for path in paths]
        total = sum(len(reading.entries) for _path, reading in readings)
        progress = Progress(total, self.stderr) if not as_json and sys.stderr.isatty() else None

        created = updated = unchanged = 0
        errors: list[dict] = []
        refused = 0  # files of which nothing was stored
        for path, reading in readings:
            try:
                outcome = catalogue.merge(reading, by=actor, on_entry=progress.advance if progress else None)
            except DatabaseError as error:  # not expected after the checks; reported, never a traceback
                outcome = catalogue.Outcome(
                    errors=[
                        catalogue.RowError(None, _("the database refused the file: %(reason)s") % {"reason": error})
                    ]
                )
            created += outcome.created
            updated += outcome.updated
            unchanged += outcome.unchanged
            if outcome.errors:
                refused += 1
                errors += [{"file": str(path), "line": error.line, "error": error.error} for error in outcome.errors]
                if not as_json:
                    if progress:
                        progress.clear()
                    for error in outcome.errors:
                        where = f"{path}:{error.line}" if error.line else str(path)
                        self.stderr.write(f"{where}: {error.error}")
                    self.stderr.write(_("%(file)s: nothing of this file was stored") % {"file": path})
        if progress:
            progress.clear()

        if as_json:
            report = {"created": created, "updated": updated, "unchanged": unchanged, "errors": errors}
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            stored = created + updated + unchanged
            self.stdout.write(
                ngettext(
                    "%(stored)d entry: %(created)d created, %(updated)d updated, %(unchanged)d unchanged",
                    "%(stored)d entries: %(created)d created, %(updated)d updated, %(unchanged)d unchanged",
                    stored,
                )
                % {"stored": stored, "created": created, "updated": updated, "unchanged": unchanged}
            )
            if refused:
                self.stdout.write(
                    ngettext(
                        "%(files)d file not stored, errors: %(errors)d",
                        "%(files)d files not stored, errors: %(errors)d",
                        refused,
                    )
                    % {"files": refused, "errors": len(errors)}
                )
        if errors:
            sys.exit(1)

    def _actor(self, username: str | None):
        if username is None:
            return CommandLine()
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("no user named %(name)r") % {"name": username}, returncode=2) from None
        if not (user.is_active and user.has_perms(IMPORT_PERMISSIONS)):
            raise CommandError(
                _("%(name)s may not add and change entities (Editors and Admins may)") % {"name": username},
                returncode=2,
            )
        return user
