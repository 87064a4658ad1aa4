from django.urls import path

from entities import views

app_name = "entities"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.entity_detail, name="detail"),
    path("<int:pk>/edit/", views.entity_edit, name="edit"),
    path("<int:pk>/aliases/", views.alias_add, name="alias-add"),
    path("<int:pk>/aliases/remove/", views.alias_remove, name="alias-remove"),
    path("<int:pk>/merge/", views.entity_merge, name="merge"),
]
