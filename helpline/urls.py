from django.urls import path

import finder.ids  # noqa: F401 (registers <id:...>: a number too large for a primary key is a 404)
from helpline import reports, views

app_name = "helpline"
urlpatterns = [
    # The call: search, shortlist, hand the caller the list
    path("", views.search, name="search"),
    path("shortlist/", views.shortlist, name="shortlist"),
    path("shortlist/add/", views.shortlist_add, name="shortlist-add"),
    path("shortlist/remove/", views.shortlist_remove, name="shortlist-remove"),
    path("shortlist/move/", views.shortlist_move, name="shortlist-move"),
    path("shortlist/clear/", views.shortlist_clear, name="shortlist-clear"),
    path("shortlist/print/", views.shortlist_print, name="shortlist-print"),
    path("shortlist/email/", views.shortlist_email, name="shortlist-email"),
    path("facility/<id:pk>/called/", views.called_facility, name="called-facility"),
    # The referral log
    path("referrals/", reports.my_referrals, name="referrals"),
    path("referrals/new/", reports.log_referral, name="log-referral"),
    path("follow-ups/", reports.follow_ups, name="follow-ups"),
    path("referrals/<id:pk>/follow-up/", reports.complete_follow_up, name="complete-follow-up"),
    # Supervisors and stewards
    path("reports/", reports.supervisor_reports, name="reports"),
    path("reports/referrals.csv", reports.supervisor_reports_csv, name="reports-csv"),
    path("gaps/", reports.gaps_map, name="gaps"),
]
