from django.contrib import admin

from annotations.models import Annotation


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["short_exact", "kind", "article", "entity", "verdict", "author", "created_at"]
    list_filter = ["kind", "verdict", "created_at"]
    list_select_related = ["article", "entity", "author"]
    search_fields = ["exact", "note", "entity__name"]
    autocomplete_fields = ["entity"]
    raw_id_fields = ["article", "author"]
    readonly_fields = ["prefix", "suffix", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body", "article__search_vector")

    @admin.display(description="Text", ordering="exact")
    def short_exact(self, annotation: Annotation) -> str:
        return annotation.exact if len(annotation.exact) <= 80 else annotation.exact[:79] + "…"
