from django.contrib.auth import views as auth_views
from django.urls import path

# Log in and out, and change one's password. The password reset pages are left out: they send
# mail, and none is configured (an admin sets a new password in the admin instead).
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
