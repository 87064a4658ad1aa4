import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.indexing import fill_search_index
from imports.importing import FileResult, import_seed_files, sources_from_paths
from imports.models import FileStatus


class Command(BaseCommand):
    help = (
        "Import seed files (*.txt, also below directories) and index them for search. "
        "Exits with 1 when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="seed files and directories")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON report instead of text")
        parser.add_argument("--user", help="username to record as the importer")

    def handle(self, *args, paths, as_json: bool, user: str | None, **options):
        imported_by = self._user(user)
        sources = list(sources_from_paths(paths))
        progress = Progress(len(sources), self.stderr) if not as_json and sys.stderr.isatty() else None

        def on_result(result: FileResult) -> None:
            if result.status == FileStatus.ERROR and not as_json:
                if progress:
                    progress.clear()
                self.stderr.write(f"{result.path}: {result.error}")
            if progress:
                progress.advance()

        report = import_seed_files(sources, imported_by=imported_by, on_result=on_result)
        # No worker may be running (`make run` starts it after this): search finds them when this ends.
        fill_search_index()
        if progress:
            progress.clear()
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                f"{len(report.files)} files: {report.imported} imported, "
                f"{report.duplicates} duplicates, {report.errors} failed"
            )
        if report.errors:
            sys.exit(1)

    def _user(self, username: str | None):
        if username is None:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None


class Progress:
    """A one-line progress bar for a terminal, redrawn at most once per percent."""

    WIDTH = 30

    def __init__(self, total: int, out):
        self.total, self.done, self.out, self.shown = total, 0, out, -1

    def advance(self) -> None:
        self.done += 1
        percent = self.done * 100 // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            filled = self.WIDTH * self.done // max(self.total, 1)
            self.out.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total}", ending="")
            self.out.flush()

    def clear(self) -> None:
        self.out.write("\r\033[K", ending="")
        self.shown = -1
