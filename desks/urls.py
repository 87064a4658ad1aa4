from django.urls import path

from desks import views

app_name = "desks"
urlpatterns = [
    path("quotes/", views.quote_desk, name="quotes"),
    path("quotes/download/", views.quote_desk_download, name="quotes-download"),
    path("claims/", views.claim_desk, name="claims"),
    path("claims/download/", views.claim_desk_download, name="claims-download"),
    path("claims/<int:pk>/verdict/", views.claim_verdict, name="verdict"),
]
