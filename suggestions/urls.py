from django.urls import path

from suggestions import views

app_name = "suggestions"
urlpatterns = [
    path("articles/<int:article_pk>/suggestions/", views.suggest, name="suggest"),
    path("articles/<int:article_pk>/suggestions/accept-all/", views.accept_all, name="accept-all"),
    path("articles/<int:article_pk>/suggestions/<int:pk>/accept/", views.accept, name="accept"),
    path("articles/<int:article_pk>/suggestions/<int:pk>/edit/", views.edit, name="edit"),
    path("articles/<int:article_pk>/suggestions/<int:pk>/reject/", views.reject, name="reject"),
]
