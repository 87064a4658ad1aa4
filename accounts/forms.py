from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import ApiToken


class ApiTokenForm(forms.Form):
    """A new API token: only its name, which says where its secret went."""

    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("Where the token will be used, such as “weekly report script”."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(gettext_lazy("Name the token."))
        return name
