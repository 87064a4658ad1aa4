from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="articles:list"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("articles/", include("articles.urls")),
    path("entities/", include("entities.urls")),
    path("", include("annotations.urls")),
    path("import/", include("imports.urls")),
    path("", include("desks.urls")),  # /quotes/, /claims/
    path("activity/", include("history.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "newsroom.views.bad_request"
handler403 = "newsroom.views.permission_denied"
