from django.contrib import admin
from django.utils.translation import gettext_lazy

from articles import services
from articles.models import Article
from newsroom.admin import WritesThroughServices


@admin.register(Article)
class ArticleAdmin(WritesThroughServices, admin.ModelAdmin):
    save_through = staticmethod(services.save_article)
    delete_through = staticmethod(services.delete_articles)
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

    def has_add_permission(self, request) -> bool:
        return False  # articles come from seed files (the Import page)

    @admin.display(description=gettext_lazy("published"), ordering="published_on")
    def published(self, article: Article) -> str:
        return article.publication_date_display
