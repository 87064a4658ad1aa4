from django.urls import include, path

# Log in and out, and the password pages, as Django's auth app provides them.
urlpatterns = [path("", include("django.contrib.auth.urls"))]
