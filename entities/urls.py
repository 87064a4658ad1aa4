from django.urls import path

from entities import views

app_name = "entities"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
]
