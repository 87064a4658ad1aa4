from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from accounts import languages, views

# Log in and out, choose a language, and change one's password. The password reset pages are left out: they send
# mail, and none is configured (an admin sets a new password in the admin instead).
urlpatterns = [
    # One's own account: its API tokens (README, "API").
    path("", views.account, name="account"),
    path("tokens/", views.token_create, name="api-token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    # The language switcher in the header posts here (README, "Languages").
    path("language/", languages.set_language, name="set_language"),
    # The JavaScript strings of the current language, as a script from this site (the CSP allows no inline one).
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
