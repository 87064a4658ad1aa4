import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from imports.seedfile import SeedFileError, parse_seed_file
from suggestions.suggesting import suggest


class Command(BaseCommand):
    help = (
        "Suggest annotations (mentions of catalogued entities, new names, quotes and sources) for seed files, without "
        "importing them, or for stored articles, against the current catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="seed files")
        parser.add_argument("--article", type=int, action="append", default=[], metavar="ID", help="a stored article")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object")

    def handle(self, *args, paths: list[Path], article: list[int], as_json: bool, **options):
        if not paths and not article:
            raise CommandError("give seed files (PATH …) or stored articles (--article ID …)")
        bodies = [(str(path), self._seed_body(path)) for path in paths]
        bodies += [(f"article {id}", body) for id, body in self._article_bodies(article)]
        files = []
        for path, body in bodies:
            suggestions = suggest(body)
            files.append({"path": path, "suggestions": [suggestion.as_dict() for suggestion in suggestions]})
            if not as_json:
                self.stdout.write(f"{path}: {len(suggestions)} suggestions")
                for suggestion in suggestions:
                    self.stdout.write(
                        f"  {suggestion.start}-{suggestion.end} {suggestion.kind} {suggestion.text!r} → "
                        f"{suggestion.entity} ({suggestion.entity_kind}, {suggestion.rule}, {suggestion.confidence:.2f}"
                        + (f", {suggestion.cue}" if suggestion.cue else "")
                        + (f", {suggestion.source_type}" if suggestion.source_type else "")
                        + ")"
                    )
        if as_json:
            self.stdout.write(json.dumps({"files": files}, ensure_ascii=False))

    def _seed_body(self, path: Path) -> str:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            return parse_seed_file(path.read_bytes(), max_bytes=settings.SEED_MAX_FILE_BYTES).body
        except SeedFileError as error:
            raise CommandError(f"{path}: {error}") from None

    def _article_bodies(self, ids: list[int]) -> list[tuple[int, str]]:
        bodies = dict(Article.objects.filter(pk__in=ids).values_list("pk", "body"))
        missing = [id for id in ids if id not in bodies]
        if missing:
            raise CommandError(f"no article with id {', '.join(map(str, missing))}")
        return [(id, bodies[id]) for id in ids]
