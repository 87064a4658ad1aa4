from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("download/", views.article_list_download, name="list-download"),
    path("next/", views.article_next, name="next"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/download/", views.article_download, name="download"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/fresh/", views.article_fresh, name="fresh"),
]
