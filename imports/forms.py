from django import forms


class BatchPageForm(forms.Form):
    """The query parameters of an import's page: which rows, which page of them."""

    ERRORS = "errors"

    show = forms.ChoiceField(required=False, choices=[("", "all"), (ERRORS, "errors only")])
    page = forms.IntegerField(required=False, min_value=1)


class ProgressPollForm(forms.Form):
    """What a polling import page last saw: files done, and the milliseconds it waited."""

    seen = forms.IntegerField(required=False, min_value=0)
    every = forms.IntegerField(required=False, min_value=1)
