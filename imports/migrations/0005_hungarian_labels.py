import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_hungarian_labels"),
        ("imports", "0004_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="started"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="import_batches",
                to=settings.AUTH_USER_MODEL,
                verbose_name="imported by",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="failure",
            field=models.TextField(
                blank=True, help_text="Why the whole batch stopped, if it did.", verbose_name="failure"
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True, help_text="When its runner last reported.", null=True, verbose_name="last heard from"
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="in_background",
            field=models.BooleanField(default=False, verbose_name="in the background"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="runs",
            field=models.PositiveIntegerField(
                default=0, help_text="How many times a runner has taken the batch on.", verbose_name="runs"
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                default="queued",
                max_length=7,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="uploads",
            field=models.TextField(help_text="The names of the uploaded files and archives.", verbose_name="uploads"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="article",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="articles.article",
                verbose_name="article",
            ),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="batch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="files",
                to="imports.importbatch",
                verbose_name="import batch",
            ),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="content",
            field=models.BinaryField(null=True, verbose_name="content"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="date",
            field=models.CharField(blank=True, max_length=10, verbose_name="date"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="name",
            field=models.CharField(max_length=500, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="position",
            field=models.PositiveIntegerField(verbose_name="position"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="precision",
            field=models.CharField(blank=True, max_length=5, verbose_name="date precision"),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting"),
                    ("imported", "Imported"),
                    ("duplicate", "Duplicate"),
                    ("error", "Error"),
                ],
                default="pending",
                max_length=9,
                verbose_name="status",
            ),
        ),
    ]
