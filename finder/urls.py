from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("centers.urls")),
    path("helpline/", include("helpline.urls")),
    path("admin/", admin.site.urls),
]
