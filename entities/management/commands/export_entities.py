import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from entities import catalogue


class Command(BaseCommand):
    help = "Write the entity catalogue as JSON Lines or CSV, by kind then name; import_entities reads it back."

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=list(catalogue.Format), help="jsonl (the default) or csv; else --output's suffix says"
        )
        parser.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")

    def handle(self, *args, format: str | None, output: Path | None, **options):
        format = (
            catalogue.Format(format) if format else (output and catalogue.Format.of(output)) or catalogue.Format.JSONL
        )
        if format == catalogue.Format.CSV and (piped := catalogue.aliases_with_separator()):
            # "|" separates aliases in a CSV cell, so such an alias would come back as two.
            raise CommandError(
                _("aliases with “%(separator)s” cannot be written as CSV, use jsonl: %(entities)s")
                % {"separator": catalogue.ALIAS_SEPARATOR, "entities": ", ".join(str(entity) for entity in piped)}
            )
        for entity in catalogue.external_ids_not_qids():
            self.stderr.write(
                _("warning: %(entity)s has the identifier %(id)r, not a Wikidata QID; importing it back will refuse it")
                % {"entity": entity, "id": entity.external_id}
            )
        if output:
            try:
                with output.open("w", encoding="utf-8", newline="") as out:
                    catalogue.write(out, format)
            except OSError as error:
                raise CommandError(
                    _("cannot write %(file)s: %(reason)s") % {"file": output, "reason": error.strerror or error}
                ) from None
            return
        # The same bytes whatever the terminal's encoding or platform line ending: UTF-8 and "\n".
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is None:  # call_command(stdout=StringIO())
            catalogue.write(self.stdout, format)
            return
        self.stdout.flush()
        out = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
        try:
            catalogue.write(out, format)
        finally:
            out.detach()  # leaves standard output open
