from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:pk>/", views.batch_page, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/resume/", views.batch_resume, name="resume"),
    path("<int:pk>/report.csv", views.batch_report, name="report"),
]
