from django.contrib import admin
from django.utils.translation import gettext_lazy

from entities import services
from entities.models import Entity
from newsroom.admin import VersionCheckedForm, WritesThroughServices


@admin.register(Entity)
class EntityAdmin(WritesThroughServices, admin.ModelAdmin):
    form = VersionCheckedForm
    save_through = staticmethod(services.save_entity)
    delete_through = staticmethod(services.delete_entities)
    list_display = ["hungarian_name", "kind", "alias_list", "external_id", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "external_id", "description"]

    @admin.display(description=gettext_lazy("name"), ordering="name_sort_key")
    def hungarian_name(self, entity: Entity) -> str:
        """The name, sorting in Hungarian order (Entity.name_sort_key) when its column is clicked."""
        return entity.name

    @admin.display(description=gettext_lazy("other spellings"))
    def alias_list(self, entity: Entity) -> str:
        return ", ".join(entity.aliases)

    def get_search_results(self, request, queryset, search_term):
        # Also find an entity by any of its aliases, spelled exactly.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            queryset |= self.model.objects.filter(aliases__contains=[search_term])
        return queryset, may_have_duplicates
