import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.exporting import FORMATS
from annotations.models import Annotation
from articles.models import Article


def date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not a date: use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Export annotations: JSON Lines (one article per line with its text and annotations, doccano's "
        "labels included), CSV (one annotation per line, every field, for spreadsheets) or W3C Web "
        "Annotation JSON-LD (one AnnotationCollection in pages)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=list(FORMATS), default="jsonl")
        parser.add_argument("--article", type=int, action="append", metavar="ID", help="only this article (repeatable)")
        parser.add_argument("--since", type=date, metavar="DATE", help="only annotations changed on or after DATE")
        parser.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")

    def handle(self, *args, format: str, article: list[int] | None, since, output: Path | None, **options):
        annotations = Annotation.objects.all()
        articles = Article.objects.all()
        if article:
            missing = set(article) - set(Article.objects.filter(pk__in=article).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no article with id {', '.join(map(str, sorted(missing)))}")
            annotations, articles = annotations.filter(article__in=article), articles.filter(pk__in=article)
        if since:
            annotations = annotations.filter(updated_at__date__gte=since)
        lines = FORMATS[format].lines(articles, annotations)
        # Bytes, so that the text is UTF-8 whatever the terminal's locale, line endings as written.
        out = output.open("wb") if output else sys.stdout.buffer
        try:
            for line in lines:
                out.write(line.encode())
        finally:
            if output:
                out.close()
            else:
                out.flush()
