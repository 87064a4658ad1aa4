from django.core.management.base import BaseCommand

from articles.indexing import fill_search_index


class Command(BaseCommand):
    help = (
        "Index for search every article an import left waiting (the step that follows every import "
        "runs this; for when it could not, or from cron as a safety net). Prints how many."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{fill_search_index()} articles indexed")
