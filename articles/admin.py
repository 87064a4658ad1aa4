from django.contrib import admin

from articles.models import Annotation, Article, Entity


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "status", "language", "source_filename", "imported_at", "imported_by"]
    list_filter = ["status", "date_precision", "language", "imported_at"]
    list_select_related = ["imported_by"]
    search_fields = ["title", "source_filename", "=content_sha256"]
    date_hierarchy = "published_on"
    list_per_page = 50
    # The body is what annotation offsets point into: it stays as imported.
    readonly_fields = ["body", "content_sha256", "source_filename", "imported_by", "imported_at"]
    fields = [
        "title",
        "status",
        ("published_on", "date_precision"),
        "language",
        "body",
        "source_filename",
        "content_sha256",
        ("imported_by", "imported_at"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")

    @admin.display(description="Published", ordering="published_on")
    def published(self, article: Article) -> str:
        return article.publication_date_display


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "alias_list", "external_id", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "external_id", "description"]

    @admin.display(description="Aliases")
    def alias_list(self, entity: Entity) -> str:
        return ", ".join(entity.aliases)

    def get_search_results(self, request, queryset, search_term):
        # Also find an entity by any of its aliases, spelled exactly.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            queryset |= self.model.objects.filter(aliases__contains=[search_term])
        return queryset, may_have_duplicates


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
