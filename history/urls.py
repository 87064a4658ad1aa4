# Reading only: history is written by the database and changed by no one (history/models.py).
from django.urls import path

from history import views

app_name = "history"
urlpatterns = [
    path("", views.activity, name="activity"),
    path("articles/<int:pk>/", views.article_activity, name="article"),
]
