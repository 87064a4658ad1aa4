from django.contrib import admin

from imports.models import ImportBatch, ImportedFile


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "created_by", "created_at", "finished_at", "in_background"]
    list_filter = ["status", "in_background", "created_at"]
    list_select_related = ["created_by"]
    search_fields = ["uploads", "created_by__username"]
    readonly_fields = [
        "created_by",
        "created_at",
        "finished_at",
        "uploads",
        "in_background",
        "failure",
        "heartbeat_at",
        "runs",
    ]


@admin.register(ImportedFile)
class ImportedFileAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "batch", "article", "date", "error"]
    list_filter = ["status"]
    list_select_related = ["batch__created_by", "article"]
    search_fields = ["name", "error"]
    raw_id_fields = ["batch", "article"]
    readonly_fields = ["batch", "position", "name", "status", "article", "date", "precision", "error"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "article__body", "article__search_vector")
