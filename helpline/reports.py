"""The referral log, follow-ups, and reports for supervisors and stewards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from centers.geo import STATE_NAMES
from centers.vocabulary import LEVEL_OF_CARE_LABEL, LevelOfCare
from finder.csv_safety import SpreadsheetSafeWriter
from helpline.access import (
    helpline_worker_required,
    is_supervisor,
    steward_or_supervisor_required,
    supervisor_required,
)
from helpline.charts import PlotPoint, bar_chart, in_lower_48
from helpline.models import Referral, SearchGap
from helpline.report_forms import (
    CompleteFollowUpForm,
    GapFilterForm,
    PeriodForm,
    ReferralForm,
    facilities_to_choose,
    initial_from,
)

REFERRALS_PER_PAGE = 25
TOP_GAP_AREAS = 25
MOST_GAP_POINTS = 2000


# The referral log


@helpline_worker_required
def log_referral(request):
    chosen_by, facilities = facilities_to_choose(request.GET)
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(data, facilities=facilities, initial=initial_from(request.GET))
    if form.is_bound and form.is_valid():
        referral = form.save(worker=request.user)
        message = gettext("Referral logged: %(facility)s, %(outcome)s.")
        messages.success(
            request, message % {"facility": referral.facility_name, "outcome": referral.get_outcome_display()}
        )
        return redirect("helpline:referrals")
    context = {"form": form, "chosen_by": chosen_by, "query": request.GET.get("q", "")}
    return render(request, "helpline/reports/log_referral.html", context, status=400 if form.is_bound else 200)


@helpline_worker_required
def my_referrals(request):
    # Supervisors choose between their own referrals and everyone's (?worker=all); workers only see their own.
    everyone = request.GET.get("worker") == "all" and is_supervisor(request.user)
    referrals = Referral.objects.visible_to(request.user)
    if not everyone:
        referrals = referrals.by(request.user)
    page = Paginator(referrals.select_related("worker", "facility"), REFERRALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "helpline/reports/referrals.html", {"page": page, "everyone": everyone})


def render_follow_ups(request, *, failed: Referral | None = None, form=None, status: int = 200):
    """The follow-ups due today or earlier, overdue first; a failed "mark done" form shows its error in place."""
    everyone = is_supervisor(request.user)
    referrals = Referral.objects.visible_to(request.user)
    context = {
        "due": referrals.follow_ups_due().select_related("worker").order_by("follow_up_on", "created_at"),
        "everyone": everyone,
        "today": timezone.localdate(),
        "outcome_choices": Referral.FollowUpOutcome.choices,
        "failed": failed,
        "failed_form": form,
    }
    return render(request, "helpline/reports/follow_ups.html", context, status=status)


@helpline_worker_required
def follow_ups(request):
    return render_follow_ups(request)


@helpline_worker_required
@require_POST
def complete_follow_up(request, pk):
    # A worker completes only their own follow-ups; anyone else's is a 404, never a hint that it exists.
    referrals = Referral.objects.visible_to(request.user)
    referral = get_object_or_404(referrals.filter(follow_up_on__isnull=False), pk=pk)
    if referral.follow_up_done_at:
        message = gettext("That follow-up (%(facility)s) was already marked done.")
        messages.info(request, message % {"facility": referral.facility_name})
        return redirect("helpline:follow-ups")
    form = CompleteFollowUpForm(request.POST, instance=referral)
    if not form.is_valid():
        return render_follow_ups(request, failed=referral, form=form, status=400)
    form.save()
    message = gettext("Follow-up marked done: %(facility)s, %(outcome)s.")
    outcome = referral.get_follow_up_outcome_display()
    messages.success(request, message % {"facility": referral.facility_name, "outcome": outcome})
    return redirect("helpline:follow-ups")


# Reports for supervisors


class Row(NamedTuple):
    key: str  # what the CSV says
    label: str  # what the page says
    count: int


@dataclass
class ReportTable:
    slug: str
    title: str
    key_heading: str
    rows: list[Row]

    @property
    def chart(self):
        return bar_chart([(row.label, row.count) for row in self.rows], self.title, chart_id=f"chart-{self.slug}")

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


def state_label(code: str) -> str:
    return STATE_NAMES.get(code, code) or gettext("State not known")


def level_label(value: str) -> str:
    return LevelOfCare(value).short_label if value in LevelOfCare.values else gettext("Not recorded")


def outcome_label(value: str) -> str:
    return Referral.Outcome(value).label if value in Referral.Outcome.values else value


def county_label(county: str, state: str) -> str:
    return f"{county or 'County not known'}, {state or '?'}"


def _rows(counts, field: str, label) -> list[Row]:
    return [Row(label(row[field]), label(row[field]), row["count"]) for row in counts]


def week_rows(weeks: list[tuple[date, int]]) -> list[Row]:
    return [
        Row(monday.isoformat(), f"Week of {monday:%b} {monday.day}, {monday.year}", count) for monday, count in weeks
    ]


def referral_tables(form: PeriodForm) -> list[ReportTable]:
    """Every table on the reports page and in its CSV, from a valid ``PeriodForm``."""
    referrals = Referral.objects.logged_between(*form.period())
    full = referrals.facility_full()
    return [
        ReportTable(
            "by-week",
            _("Referrals by week"),
            _("Week (starting Monday)"),
            week_rows(referrals.count_by_week(*form.weeks())),
        ),
        ReportTable(
            "by-outcome",
            _("Referrals by outcome"),
            _("Outcome"),
            _rows(referrals.count_by("outcome"), "outcome", outcome_label),
        ),
        ReportTable(
            "by-level",
            _("Referrals by type of care sought"),
            LEVEL_OF_CARE_LABEL,
            _rows(referrals.count_by("level_sought"), "level_sought", level_label),
        ),
        ReportTable(
            "by-state", _("Referrals by state"), _("State"), _rows(referrals.count_by("state"), "state", state_label)
        ),
        ReportTable(
            "full-by-level",
            _("Facility full, by type of care sought"),
            LEVEL_OF_CARE_LABEL,
            _rows(full.count_by("level_sought"), "level_sought", level_label),
        ),
        ReportTable(
            "full-by-state",
            _("Facility full, by state"),
            _("State"),
            _rows(full.count_by("state"), "state", state_label),
        ),
        ReportTable(
            "full-by-county",
            _("Facility full, by county"),
            _("County"),
            [
                Row(county_label(row["county"], row["state"]), county_label(row["county"], row["state"]), row["count"])
                for row in full.count_by("state", "county")
            ],
        ),
    ]


@supervisor_required
def supervisor_reports(request):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "helpline/reports/reports.html", {"form": form, "tables": []}, status=400)
    first_week, last_week = form.weeks()
    start, end = form.period()
    context = {
        "form": form,
        "tables": referral_tables(form),
        "start": start,
        "end": end,
        "first_week": first_week,
        "last_week": last_week,
        "csv_query": request.GET.urlencode(),
    }
    return render(request, "helpline/reports/reports.html", context)


@supervisor_required
def supervisor_reports_csv(request):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        message = gettext("Please check the dates.")
        return HttpResponse(f"{message} {errors}", status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="finder-referrals-{timezone.localdate()}.csv"'
    writer = SpreadsheetSafeWriter(response)
    writer.writerow(["table", "key", "count"])
    # A CSV is data for spreadsheets and other systems: its table names stay English in either language.
    with translation.override("en"):
        for table in referral_tables(form):
            writer.writerows([str(table.title), row.key, row.count] for row in table.rows)
    return response


# Searches that found nothing


def gap_points(rows) -> tuple[list[PlotPoint], list[tuple[str, int]]]:
    """Points for the map, and the searches outside the lower 48 states (off its first view) counted by state."""
    points, elsewhere = [], {}
    for row in rows:
        label = gettext("%(state)s near %(latitude).1f, %(longitude).1f") % {
            "state": state_label(row["state"]),
            "latitude": row["latitude"],
            "longitude": row["longitude"],
        }
        points.append(PlotPoint(row["latitude"], row["longitude"], row["count"], label))
        if not in_lower_48(row["latitude"], row["longitude"]):
            name = state_label(row["state"])
            elsewhere[name] = elsewhere.get(name, 0) + row["count"]
    return points, sorted(elsewhere.items())


def gap_areas(rows) -> list[dict]:
    return [
        {
            "state": state_label(row["state"]),
            "point": f"{row['latitude']:.1f}, {row['longitude']:.1f}",
            "level": level_label(row["level_of_care"]) if row["level_of_care"] else gettext("Any type of care"),
            "count": row["count"],
        }
        for row in rows
    ]


@steward_or_supervisor_required
def gaps_map(request):
    form = GapFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "helpline/reports/gaps.html", {"form": form}, status=400)
    gaps = SearchGap.objects.searched_between(*form.period()).for_level(form.cleaned_data["level"])
    point_rows = list(gaps.count_by("state", "latitude", "longitude")[:MOST_GAP_POINTS])
    points, elsewhere = gap_points(point_rows)
    context = {
        "form": form,
        "total": gaps.total(),
        "points": points,
        "elsewhere": elsewhere,
        "points_capped": len(point_rows) == MOST_GAP_POINTS,
        "most_points": MOST_GAP_POINTS,
        "areas": gap_areas(gaps.count_by("state", "latitude", "longitude", "level_of_care")[:TOP_GAP_AREAS]),
        "top_areas": TOP_GAP_AREAS,
    }
    return render(request, "helpline/reports/gaps.html", context)
