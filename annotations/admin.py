from django.contrib import admin
from django.utils.translation import gettext_lazy

from annotations import services
from annotations.models import DETAILS_BY_KIND, Annotation
from newsroom.admin import VersionCheckedForm, WritesThroughServices


@admin.register(Annotation)
class AnnotationAdmin(WritesThroughServices, admin.ModelAdmin):
    form = VersionCheckedForm
    delete_through = staticmethod(services.delete_annotations)
    list_display = ["short_exact", "kind", "article", "entity", "verdict", "author", "created_at"]
    list_filter = ["kind", "verdict", "provenance", "created_at"]
    list_select_related = ["article", "entity", "author"]
    search_fields = ["exact", "note", "entity__name"]
    autocomplete_fields = ["entity"]
    # Where an annotation sits and who made it are fixed; its entity and details can be changed.
    readonly_fields = [
        "article",
        "kind",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "author",
        "provenance",  # where it came from is fixed when it is made
        "suggestion_rule",
        "suggestion_confidence",
        "verdict_set_by",  # set by the service when the verdict changes
        "verdict_set_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # annotations are made on the article page, anchored in its text

    # The same rule as on the article page: others' annotations open read-only unless one moderates.
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.changeable_by(request.user))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.deletable_by(request.user))

    # A change is the page's change: the entity and the details of the annotation's kind only.
    def save_model(self, request, obj, form, change):
        details = {name: form.cleaned_data[name] for name in DETAILS_BY_KIND[obj.kind] if name in form.cleaned_data}
        stored = Annotation.objects.get(pk=obj.pk)
        services.update_annotation(stored, by=request.user, entity=form.cleaned_data.get("entity"), **details)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body", "article__search_vector")

    @admin.display(description=gettext_lazy("text"), ordering="exact")
    def short_exact(self, annotation: Annotation) -> str:
        return annotation.exact if len(annotation.exact) <= 80 else annotation.exact[:79] + "…"
