"""What the apps' admin pages share."""


class WritesThroughServices:
    """A ModelAdmin mixin: saving and deleting go through the app's services, with the acting user,
    like every other write. Set ``save_through`` (object, by=user) and ``delete_through``
    (objects, by=user) to the service functions, as staticmethods."""

    save_through = None
    delete_through = None

    def save_model(self, request, obj, form, change):
        self.save_through(obj, by=request.user)

    def delete_model(self, request, obj):
        self.delete_through([obj], by=request.user)

    def delete_queryset(self, request, queryset):
        self.delete_through(queryset, by=request.user)
