from django.urls import path

from articles import annotation_views, views

app_name = "articles"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:article_pk>/annotations/", annotation_views.annotation_create, name="annotation-create"),
    path("annotations/<int:pk>/", annotation_views.annotation_edit, name="annotation-edit"),
    path("annotations/<int:pk>/delete/", annotation_views.annotation_delete, name="annotation-delete"),
    path("entities/suggestions/", annotation_views.entity_suggestions, name="entity-suggestions"),
]
