from django.contrib.auth import views as auth_views
from django.urls import path

import finder.ids  # noqa: F401 (registers <id:...>: a number too large for a primary key is a 404)
from centers import portal, reporting, views
from centers.portal_forms import StaffLoginForm

app_name = "centers"
urlpatterns = [
    # The public
    path("", views.search, name="search"),
    # Before the detail route: "report" and "claim" would otherwise match its slug.
    path("facility/<id:pk>/report/", reporting.report_problem, name="report"),
    path("facility/<id:pk>/claim/", reporting.claim_listing, name="claim"),
    path("facility/<id:pk>/<slug:slug>/", views.detail, name="detail"),
    path("understanding-care/", views.guide_index, name="guide"),
    path("understanding-care/<slug:topic>/", views.guide_topic, name="guide-topic"),
    # Admissions staff
    path(
        "staff/login/",
        auth_views.LoginView.as_view(authentication_form=StaffLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A slug is token_urlsafe's alphabet; anything else (a NUL byte breaks PostgreSQL's lookup) is a 404.
    path("staff/invitation/<slug:token>/", portal.accept_invitation, name="accept-invitation"),
    path("staff/", portal.home, name="portal"),
    path("staff/facility/<id:pk>/", portal.facility, name="portal-facility"),
    path("staff/facility/<id:pk>/availability/", portal.set_availability, name="set-availability"),
    path("staff/facility/<id:pk>/edit/", portal.edit_listing, name="edit-listing"),
    path("staff/facility/<id:pk>/verify/", portal.verify_listing, name="verify-listing"),
    path("staff/facility/<id:pk>/reports/<id:report_pk>/resolve/", portal.resolve_report, name="resolve-report"),
]
