from django.contrib.auth import views as auth_views
from django.urls import path

import finder.ids  # noqa: F401 (registers <id:...>: a number too large for a primary key is a 404)
from portal import reporting, views

app_name = "portal"
urlpatterns = [
    # The public, about one listing. Before the directory's detail route: "report" and "claim"
    # would otherwise match its slug.
    path("facility/<id:pk>/report/", reporting.report_problem, name="report"),
    path("facility/<id:pk>/claim/", reporting.claim_listing, name="claim"),
    # Admissions staff
    path("staff/login/", views.StaffLoginView.as_view(), name="login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A slug is token_urlsafe's alphabet; anything else (a NUL byte breaks PostgreSQL's lookup) is a 404.
    path("staff/invitation/<slug:token>/", views.accept_invitation, name="accept-invitation"),
    path("staff/", views.home, name="home"),
    path("staff/facility/<id:pk>/", views.facility, name="facility"),
    path("staff/facility/<id:pk>/availability/", views.set_availability, name="set-availability"),
    path("staff/facility/<id:pk>/edit/", views.edit_listing, name="edit-listing"),
    path("staff/facility/<id:pk>/verify/", views.verify_listing, name="verify-listing"),
    path("staff/facility/<id:pk>/reports/<id:report_pk>/resolve/", views.resolve_report, name="resolve-report"),
]
