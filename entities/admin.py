from django.contrib import admin

from entities import services
from entities.models import Entity
from newsroom.admin import VersionCheckedForm, WritesThroughServices


@admin.register(Entity)
class EntityAdmin(WritesThroughServices, admin.ModelAdmin):
    form = VersionCheckedForm
    save_through = staticmethod(services.save_entity)
    delete_through = staticmethod(services.delete_entities)
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
