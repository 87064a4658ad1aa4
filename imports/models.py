from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.postgres import choices_constraint


class FileStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Duplicate"
    ERROR = "error", "Error"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportBatchQuerySet(models.QuerySet):
    def with_counts(self):
        """Files per outcome, counted in the query that fetches the batches."""
        return self.annotate(
            file_count=Count("files"),
            **{f"{status}_count": Count("files", filter=Q(files__status=status)) for status in FileStatus.values},
        )


class ImportBatch(models.Model):
    """One upload on the import page: its files, what became of each, who and when."""

    Status = BatchStatus

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=7, choices=BatchStatus, default=BatchStatus.QUEUED)
    uploads = models.TextField(help_text="The names of the uploaded files and archives.")
    in_background = models.BooleanField(default=False)
    failure = models.TextField(blank=True, help_text="Why the whole batch stopped, if it did.")

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"
        constraints = [
            choices_constraint("status", BatchStatus, "import_batch_status_valid"),
            models.CheckConstraint(
                condition=Q(status__in=[BatchStatus.DONE, BatchStatus.FAILED], finished_at__isnull=False)
                | Q(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING], finished_at__isnull=True),
                name="import_batch_finished_when_over",
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} by {self.created_by} ({self.uploads})"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch", args=[self.pk])

    @property
    def is_over(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)

    def progress(self) -> dict[str, int]:
        """Files per outcome and in all, in one query."""
        counts = dict(self.files.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        progress = {status: counts.get(status, 0) for status in FileStatus.values}
        progress["total"] = sum(counts.values())
        progress["done"] = progress["total"] - progress[FileStatus.PENDING]
        return progress


class ImportedFile(models.Model):
    """One file of a batch. A waiting file keeps its bytes here, so any worker can import it."""

    Status = FileStatus

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    status = models.CharField(max_length=9, choices=FileStatus, default=FileStatus.PENDING)
    content = models.BinaryField(null=True, editable=False)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date = models.CharField(max_length=10, blank=True)
    precision = models.CharField(max_length=5, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="imported_file_position_unique"),
            choices_constraint("status", FileStatus, "imported_file_status_valid"),
            # Bytes are kept exactly as long as the file waits.
            models.CheckConstraint(
                condition=Q(status=FileStatus.PENDING, content__isnull=False)
                | (~Q(status=FileStatus.PENDING) & Q(content__isnull=True)),
                name="imported_file_content_while_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status=FileStatus.ERROR) | ~Q(error=""), name="imported_file_error_has_reason"
            ),
        ]
        indexes = [
            # Progress counts and the worker's next files: by batch and status.
            models.Index(fields=["batch", "status", "position"], name="imported_file_progress_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_status_display()}"
