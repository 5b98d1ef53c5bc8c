from django.contrib import admin
from django.urls import include, path

from finder.views import healthz
from opendata.views import ApiRoot

urlpatterns = [
    # The portal first: its /facility/<pk>/report/ and /claim/ would otherwise match the directory's detail route.
    path("", include("portal.urls")),
    path("", include("centers.urls")),
    path("helpline/", include("helpline.urls")),
    # HSDS paths have no trailing slash: /api/hsds answers as /api/hsds/ does, never redirected.
    path("api/hsds", ApiRoot.as_view()),
    path("api/hsds/", include("opendata.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
