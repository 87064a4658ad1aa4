import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, no_translations

from annotations.importing import FileRefused, Report, import_annotations


class Command(BaseCommand):
    help = (
        "Import annotations from a W3C Web Annotation JSON-LD file or the JSON Lines of export_annotations. "
        "Each finds its article by its text's hash or its address, and its place by its offsets or, when the "
        "text moved, by its quote and the text around it; those that cannot be placed are reported as orphans. "
        "Importing the same file again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help="who imports (an Admin); the author of annotations whose author has no account here",
        )
        parser.add_argument("--dry-run", action="store_true", help="store nothing, report what would be")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON report instead of text")

    @no_translations  # the report is in English, its reasons too
    def handle(self, *args, file: Path, username: str, dry_run: bool, as_json: bool, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror or error}") from None
        try:
            report = import_annotations(data, by=user, dry_run=dry_run)
        except FileRefused as error:
            raise CommandError(f"{file}: {error}") from None
        except PermissionDenied as error:
            raise CommandError(f"{username}: {error}") from None
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(summary(report, file))


def summary(report: Report, file: Path) -> str:
    lines = [
        f"{file}: {len(report.results)} annotations read{' (dry run: nothing stored)' if report.dry_run else ''}",
        f"created: {report.created}",
        f"already present: {report.present}",
        f"re-anchored (placed by their quote, not their offsets): {len(report.moved)}",
        f"orphans: {len(report.orphans)}",
    ]
    for result in report.moved:
        was = "no offsets" if result.moved_from[0] is None else "{}-{}".format(*result.moved_from)
        lines.append(f"  moved {result.ref}: {was} -> {result.start}-{result.end} (article {result.article_id})")
    for result in report.orphans:
        lines.append(f"  orphan {result.ref}: {result.reason}")
    return "\n".join(lines)
