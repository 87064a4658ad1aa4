"""Import batches get a runner's lease: a heartbeat, and the number of the run that holds it.

Batches left running by a worker from before (one that was killed, say) have never reported:
they get their start as their last heartbeat, so they read as interrupted once a lease has
passed since, and "Import the rest" is offered for them like for any other.
"""

from django.db import migrations, models
from django.db.models import F


def lease_for_running_batches(apps, schema_editor):
    ImportBatch = apps.get_model("imports", "ImportBatch")
    ImportBatch.objects.filter(status="running").update(heartbeat_at=F("created_at"), runs=1)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_importedfile_no_default_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, help_text="When its runner last reported.", null=True),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="runs",
            field=models.PositiveIntegerField(default=0, help_text="How many times a runner has taken the batch on."),
        ),
        migrations.RunPython(lease_for_running_batches, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "running"), _negated=True),
                    models.Q(("heartbeat_at__isnull", False), ("runs__gte", 1)),
                    _connector="OR",
                ),
                name="import_batch_running_has_lease",
            ),
        ),
    ]
