"""What the apps' admin pages share."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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


class VersionCheckedForm(forms.ModelForm):
    """An admin change form that refuses to save over a change someone else made since it was
    opened (the model's ``version``, kept by the database), as the pages refuse with 409."""

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, label=gettext_lazy("Version when opened")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        loaded = data.get("loaded_version")
        if self.instance.pk is not None and loaded is not None:
            # Locked until the admin's transaction (the whole change view) ends: a save at the same moment
            # waits for this one's, then reads the version it left, rather than both passing the check.
            rows = type(self.instance).objects.select_for_update().filter(pk=self.instance.pk)
            current = rows.values_list("version", flat=True).first()
            if current is not None and current != loaded:
                raise forms.ValidationError(
                    _("Someone else changed this since you opened it: reload the page to see their change.")
                )
        return data
