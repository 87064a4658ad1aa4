"""One annotation per author, kind and span.

Duplicates stored before (a key pressed twice, a request sent again after its answer was lost)
are folded into the one changed last: no note, link, entity or detail of the others is lost.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count

KEY = ("article_id", "start", "end", "kind", "author_id")
DETAILS = ("entity_id", "quote_type", "cue_verb", "source_type")


def fold_duplicates(apps, schema_editor):
    Annotation = apps.get_model("annotations", "Annotation")
    groups = Annotation.objects.values(*KEY).annotate(copies=Count("pk")).filter(copies__gt=1).order_by()
    for group in groups:
        kept, *others = Annotation.objects.filter(**{field: group[field] for field in KEY}).order_by(
            "-updated_at", "-pk"
        )
        copies = [kept, *others]
        oldest_first = copies[::-1]  # notes and links read in the order they were written
        kept.note = "\n\n".join(dict.fromkeys(copy.note for copy in oldest_first if copy.note))
        kept.evidence = list(dict.fromkeys(link for copy in oldest_first for link in copy.evidence))
        for field in DETAILS:
            setattr(kept, field, next((getattr(c, field) for c in copies if getattr(c, field)), getattr(kept, field)))
        if kept.verdict == "unverified":
            kept.verdict = next((c.verdict for c in others if c.verdict not in ("", "unverified")), kept.verdict)
        kept.save()
        Annotation.objects.filter(pk__in=[copy.pk for copy in others]).delete()
    # Check the deferred foreign keys now: PostgreSQL alters no table with checks pending.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_annotation_version_triggers"),
        ("articles", "0008_article_annotation_version"),
        ("entities", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fold_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="annotation",
            constraint=models.UniqueConstraint(
                fields=("article", "start", "end", "kind", "author"),
                name="annotation_once_per_author_kind_span",
                violation_error_message="You have already annotated this text so.",
            ),
        ),
        # The new constraint's index starts with (article, start): it serves the article page.
        migrations.RemoveIndex(model_name="annotation", name="annotation_article_start_idx"),
    ]
