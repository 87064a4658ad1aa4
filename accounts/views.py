"""A person's own account page: who they are, and their API tokens (README, "API").

Tokens are made and revoked through accounts.services. A new token's secret is in the answer
to the request that made it and nowhere else: it is shown once, never stored, never redirected to.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import services
from accounts.forms import ApiTokenForm
from accounts.models import ApiToken
from newsroom.http import wants_fragment

ACCOUNT = "accounts/account.html"


@require_GET
def account(request):
    return render(request, ACCOUNT, _context(request.user, ApiTokenForm()))


@never_cache  # the answer holds a secret
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _answer(request, _context(request.user, form), status=422)
    token, secret = services.create_api_token(name=form.cleaned_data["name"], by=request.user)
    return _answer(request, _context(request.user, ApiTokenForm(), new_token=token, secret=secret), status=201)


@require_POST
def token_revoke(request, pk: int):
    token = _own_token(request, pk)
    services.revoke_api_token(token, by=request.user)
    if not wants_fragment(request):
        return redirect("account")
    return _answer(request, _context(request.user, ApiTokenForm()))


def _own_token(request, pk: int) -> ApiToken:
    """One of the user's own tokens, or 404: another person's token is not even said to exist."""
    return get_object_or_404(ApiToken, pk=pk, user=request.user)


def _answer(request, context: dict, *, status: int = 200):
    template = f"{ACCOUNT}#api-tokens" if wants_fragment(request) else ACCOUNT
    return render(request, template, context, status=status)


def _context(user, form: ApiTokenForm, **extra) -> dict:
    return {"tokens": list(user.api_tokens.all()), "form": form, **extra}
