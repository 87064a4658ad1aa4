from django.urls import path

from desks import views

app_name = "desks"
urlpatterns = [
    path("quotes/", views.quote_desk, name="quotes"),
    path("claims/", views.claim_desk, name="claims"),
    path("claims/<int:pk>/verdict/", views.claim_verdict, name="verdict"),
]
