from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from articles.models import Article
from newsroom.postgres import choices_constraint


class FileStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting")
    IMPORTED = "imported", gettext_lazy("Imported")
    DUPLICATE = "duplicate", gettext_lazy("Duplicate")
    ERROR = "error", gettext_lazy("Error")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Running")
    DONE = "done", gettext_lazy("Done")
    FAILED = "failed", gettext_lazy("Failed")


def _lease_lapsed() -> Q:
    """Not heard from for longer than the lease, by the database's clock (the one heartbeats are written by)."""
    return Q(heartbeat_at__lt=Now() - timedelta(seconds=settings.IMPORT_LEASE_SECONDS))


INTERRUPTED = "interrupted"
INTERRUPTED_LABEL = gettext_lazy("Interrupted")


class ImportBatchQuerySet(models.QuerySet):
    def interrupted(self):
        """Running, but the runner has not reported within its lease: it was killed, or lost the database."""
        return self.filter(Q(status=BatchStatus.RUNNING) & _lease_lapsed())

    def claimable(self):
        """What a runner may take on: a queued batch, or an interrupted one."""
        return self.filter(Q(status=BatchStatus.QUEUED) | Q(status=BatchStatus.RUNNING) & _lease_lapsed())

    def resumable(self):
        """What "Import the rest" applies to: stopped (failed or interrupted) with files still waiting."""
        waiting = ImportedFile.objects.filter(batch=OuterRef("pk"), status=FileStatus.PENDING)
        stopped = Q(status=BatchStatus.FAILED) | Q(status=BatchStatus.RUNNING) & _lease_lapsed()
        return self.filter(stopped, Exists(waiting))

    def with_lease(self):
        """Each batch's ``lease_lapsed``, which ``is_interrupted`` reads."""
        return self.annotate(lease_lapsed=models.ExpressionWrapper(_lease_lapsed(), output_field=models.BooleanField()))

    def with_counts(self):
        """Files per outcome, counted in the query that fetches the batches."""
        return self.annotate(
            file_count=Count("files"),
            **{f"{status}_count": Count("files", filter=Q(files__status=status)) for status in FileStatus.values},
        )


class ImportBatch(models.Model):
    """One upload on the import page: its files, what became of each, who and when."""

    Status = BatchStatus

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_batches",
        verbose_name=gettext_lazy("imported by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished"))
    status = models.CharField(
        max_length=7, choices=BatchStatus, default=BatchStatus.QUEUED, verbose_name=gettext_lazy("status")
    )
    uploads = models.TextField(
        help_text=gettext_lazy("The names of the uploaded files and archives."), verbose_name=gettext_lazy("uploads")
    )
    in_background = models.BooleanField(default=False, verbose_name=gettext_lazy("in the background"))
    failure = models.TextField(
        blank=True,
        help_text=gettext_lazy("Why the whole batch stopped, if it did."),
        verbose_name=gettext_lazy("failure"),
    )
    # The runner's lease: it renews heartbeat_at with every group of files it stores, and a batch
    # not heard from for IMPORT_LEASE_SECONDS is interrupted. Each runner that takes the batch on
    # raises `runs` and writes only while the number is still its own, so one thought dead that
    # comes back stores nothing after another has taken over.
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When its runner last reported."),
        verbose_name=gettext_lazy("last heard from"),
    )
    runs = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("How many times a runner has taken the batch on."),
        verbose_name=gettext_lazy("runs"),
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("import batch")
        verbose_name_plural = gettext_lazy("import batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            choices_constraint("status", BatchStatus, "import_batch_status_valid"),
            models.CheckConstraint(
                condition=Q(status__in=[BatchStatus.DONE, BatchStatus.FAILED], finished_at__isnull=False)
                | Q(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING], finished_at__isnull=True),
                name="import_batch_finished_when_over",
            ),
            # A running batch has a runner, and a lease that can lapse.
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.RUNNING) | Q(heartbeat_at__isnull=False, runs__gte=1),
                name="import_batch_running_has_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} by {self.created_by} ({self.uploads})"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch", args=[self.pk])

    @property
    def is_over(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)

    @property
    def is_interrupted(self) -> bool:
        """Running, but its runner is gone. Needs the batch fetched ``with_lease()``."""
        return self.status == BatchStatus.RUNNING and bool(self.lease_lapsed)

    @property
    def is_stopped(self) -> bool:
        """Over without finishing, or interrupted: its waiting files can be imported again."""
        return self.status == BatchStatus.FAILED or self.is_interrupted

    @property
    def state(self) -> str:
        """The status as shown: an interrupted batch is stored as running."""
        return INTERRUPTED if self.is_interrupted else self.status

    def get_state_display(self) -> str:
        return INTERRUPTED_LABEL if self.is_interrupted else self.get_status_display()

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

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="files", verbose_name=gettext_lazy("import batch")
    )
    position = models.PositiveIntegerField(verbose_name=gettext_lazy("position"))
    name = models.CharField(max_length=500, verbose_name=gettext_lazy("name"))
    status = models.CharField(
        max_length=9, choices=FileStatus, default=FileStatus.PENDING, verbose_name=gettext_lazy("status")
    )
    content = models.BinaryField(null=True, editable=False, verbose_name=gettext_lazy("content"))
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("article"),
    )
    date = models.CharField(max_length=10, blank=True, verbose_name=gettext_lazy("date"))
    precision = models.CharField(max_length=5, blank=True, verbose_name=gettext_lazy("date precision"))
    error = models.TextField(blank=True, verbose_name=gettext_lazy("error"))

    class Meta:
        verbose_name = gettext_lazy("imported file")
        verbose_name_plural = gettext_lazy("imported files")
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
