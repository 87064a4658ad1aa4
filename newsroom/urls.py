from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api import views as api_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="articles:list"), name="home"),
    path("accounts/", include("accounts.urls")),
    path("articles/", include("articles.urls")),
    path("entities/", include("entities.urls")),
    path("", include("annotations.urls")),
    path("", include("suggestions.urls")),
    path("import/", include("imports.urls")),
    path("", include("desks.urls")),  # /quotes/, /claims/
    path("activity/", include("history.urls")),
    path("search/", include("search.urls")),
    path("admin/", admin.site.urls),
    # The read API (README, "API"); any other address under it answers 404 in JSON, not a page.
    path("api/", api_views.urls()),
    # Only addresses ending in a slash: for one without, CommonMiddleware first redirects to it with the slash.
    re_path(r"^api/(?:.*/)?$", api_views.unknown),
]

handler400 = "newsroom.views.bad_request"
handler403 = "newsroom.views.permission_denied"
