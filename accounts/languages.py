"""Which language a page speaks (README, "Languages").

Someone who never chose one gets the language cookie's, else their browser's Accept-Language,
else LANGUAGE_CODE: Django's LocaleMiddleware. A choice made with the switcher is kept in the
cookie and, for a logged-in person, on their account (accounts.models.Preferences), so it
follows them to any browser: at login it is copied into the session, and UserLanguage applies it
to each of their requests without a query, and puts it in the cookie for the login page after
they log out.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services

SESSION_KEY = "language"


@receiver(user_logged_in, dispatch_uid="accounts.languages.remember_at_login")
def remember_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if language := services.chosen_language(user):
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


class UserLanguage:
    """A logged-in person's own choice wins over the cookie and Accept-Language (after
    LocaleMiddleware and AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@login_not_required  # the login page has the switcher too
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie, and back to `next`), remembered on the account too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        services.set_language(request.user, language=language)
        request.session[SESSION_KEY] = language
    return response
