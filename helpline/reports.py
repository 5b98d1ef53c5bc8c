"""The referral log, follow-ups, and reports for supervisors and stewards."""

from django.http import Http404


def my_referrals(request):
    raise Http404("not built yet")


def log_referral(request):
    raise Http404("not built yet")


def follow_ups(request):
    raise Http404("not built yet")


def complete_follow_up(request, pk):
    raise Http404("not built yet")


def supervisor_reports(request):
    raise Http404("not built yet")


def supervisor_reports_csv(request):
    raise Http404("not built yet")


def gaps_map(request):
    raise Http404("not built yet")
