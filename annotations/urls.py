from django.urls import path

from annotations import views

app_name = "annotations"
urlpatterns = [
    path("articles/<int:article_pk>/annotations/", views.annotation_create, name="create"),
    path("annotations/import/", views.annotation_import, name="import"),
    path("annotations/<int:pk>/", views.annotation_edit, name="edit"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="delete"),
]
