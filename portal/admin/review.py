"""The review queues: staff edits waiting for a steward, and problem reports from the public."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.db.models import Case, Value, When
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin.display import badge, lines
from portal.models import PendingChange, ProblemReport
from portal.models.review import ReviewStatus


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


def note_action(modeladmin, request, objects, *, action: str, title: str, label: str, help_text: str, submit: str):
    """A note for a bulk action: the valid note, or None after rendering the page that asks for it."""
    form = NoteForm(request.POST if "apply" in request.POST else None)
    form.fields["note"].label, form.fields["note"].help_text = label, help_text
    if form.is_valid():
        return form.cleaned_data["note"], None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.opts,
        "objects": objects,
        "form": form,
        "action": action,
        "submit": submit,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = modeladmin.admin_site.name
    return None, TemplateResponse(request, "admin/portal/note_action.html", context)


def facility_link(facility):
    change = reverse("admin:centers_facility_change", args=[facility.pk])
    return format_html(
        '<a href="{}">{}</a> (<a href="{}">public page</a>)', change, facility, facility.get_absolute_url()
    )


class ReadOnlyOnceDecided:
    """Changeable only while ``status`` is ``open_status``: a decided item is a record of what happened."""

    open_status = ""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # An invalid form has already set the new status on obj; judge by the status as loaded.
            obj.loaded_status = obj.status
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and getattr(obj, "loaded_status", obj.status) != self.open_status:
            return False
        return super().has_change_permission(request, obj)


class PendingChangeForm(forms.ModelForm):
    class Meta:
        model = PendingChange
        fields = ["status", "review_note"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ReviewStatus.REJECTED and not cleaned.get("review_note", "").strip():
            self.add_error("review_note", "Tell the staff member why, so they can correct it and try again.")
        return cleaned


@admin.register(PendingChange)
class PendingChangeAdmin(ReadOnlyOnceDecided, admin.ModelAdmin):
    form = PendingChangeForm
    open_status = ReviewStatus.PENDING
    list_display = ["facility", "submitted_by", "submitted_at", "proposed_change", "status", "reviewed_by"]
    list_filter = ["status", "facility__state"]
    list_select_related = ["facility", "submitted_by", "reviewed_by"]
    search_fields = ["facility__name", "submitted_by__username", "submitted_by__email"]
    # Pending first, oldest waiting at the top: a queue.
    ordering = [Case(When(status=ReviewStatus.PENDING, then=Value(0)), default=Value(1)), "submitted_at"]
    readonly_fields = ["facility_page", "submitted_by", "submitted_at", "proposed_change", "reviewed_by", "reviewed_at"]
    fieldsets = [
        ("Change", {"fields": ["facility_page", "submitted_by", "submitted_at", "proposed_change"]}),
        ("Decision", {"fields": ["status", "review_note", "reviewed_by", "reviewed_at"]}),
    ]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description=_("change"))
    def proposed_change(self, change):
        return lines(change.describe())

    @admin.display(description=_("facility"))
    def facility_page(self, change):
        return facility_link(change.facility)

    def has_add_permission(self, request):
        return False  # Staff propose changes in the portal.

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data["review_note"]
        if "status" in form.changed_data and obj.status == ReviewStatus.APPROVED:
            obj.approve(request.user, note)
            self.message_user(request, f"Approved: {obj.facility.name} now shows the new values.")
        elif "status" in form.changed_data and obj.status == ReviewStatus.REJECTED:
            obj.reject(request.user, note)
            self.message_user(request, f"Rejected: {obj.facility.name} is unchanged.")
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve selected (apply them to the listings)"))
    def approve_selected(self, request, queryset):
        pending = queryset.filter(status=ReviewStatus.PENDING).select_related("facility", "submitted_by")
        count = 0
        for change in pending:
            change.approve(request.user)
            self.log_change(request, change, "Approved.")
            count += 1
        self.message_user(request, f"{count} {model_ngettext(self.opts, count)} approved and applied.")

    @admin.action(description=_("Reject selected…"))
    def reject_selected(self, request, queryset):
        pending = list(queryset.filter(status=ReviewStatus.PENDING).select_related("facility", "submitted_by"))
        if not pending:
            self.message_user(request, "None of the selected changes is waiting for review.", messages.WARNING)
            return None
        note, page = note_action(
            self,
            request,
            pending,
            action="reject_selected",
            title=_("Reject changes"),
            label=_("Why (the staff member sees this)"),
            help_text=_("Say what to correct, for example “The new phone number goes to a fax machine.”"),
            submit="Reject",
        )
        if page is not None:
            return page
        for change in pending:
            change.reject(request.user, note)
            self.log_change(request, change, "Rejected.")
        self.message_user(request, f"{len(pending)} {model_ngettext(self.opts, len(pending))} rejected.")


class ProblemReportForm(forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["status", "resolution_note"]
        help_texts = {"resolution_note": "Needed to resolve. If the reporter left an email, we send them this."}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ProblemReport.Status.RESOLVED and not cleaned.get("resolution_note", "").strip():
            self.add_error("resolution_note", "Say what you did; the reporter gets this by email if they left one.")
        return cleaned


@admin.register(ProblemReport)
class ProblemReportAdmin(ReadOnlyOnceDecided, admin.ModelAdmin):
    form = ProblemReportForm
    open_status = ProblemReport.Status.OPEN
    list_display = ["facility", "kind", "created_at", "state", "has_email"]
    list_filter = ["status", "kind", "facility__state"]
    list_select_related = ["facility"]
    search_fields = ["facility__name", "note"]
    readonly_fields = [
        "facility_page",
        "kind",
        "note",
        "contact_email",
        "created_at",
        "resolved_by",
        "resolved_at",
        "reporter_notified_at",
    ]
    fieldsets = [
        ("Report", {"fields": ["facility_page", "kind", "note", "contact_email", "created_at"]}),
        ("Resolution", {"fields": ["status", "resolution_note", "resolved_by", "resolved_at", "reporter_notified_at"]}),
    ]
    actions = ["resolve_selected"]

    @admin.display(description=_("status"), ordering="status")
    def state(self, report):
        tone = "warning" if report.status == ProblemReport.Status.OPEN else "good"
        return badge(report.get_status_display(), tone)

    @admin.display(description=_("left an email"), boolean=True)
    def has_email(self, report):
        return bool(report.contact_email)

    @admin.display(description=_("facility"))
    def facility_page(self, report):
        return facility_link(report.facility)

    def has_add_permission(self, request):
        return False  # The public reports problems on the facility page.

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status == ProblemReport.Status.RESOLVED:
            if obj.resolve(request.user, form.cleaned_data["resolution_note"]):
                self.message_user(request, "Resolved. We emailed the reporter.")
            elif obj.contact_email:
                self.message_user(request, "Resolved. The email to the reporter could not be sent.", messages.WARNING)
            else:
                self.message_user(request, "Resolved.")
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Resolve selected…"))
    def resolve_selected(self, request, queryset):
        reports = list(queryset.filter(status=ProblemReport.Status.OPEN).select_related("facility"))
        if not reports:
            self.message_user(request, "None of the selected reports is open.", messages.WARNING)
            return None
        note, page = note_action(
            self,
            request,
            reports,
            action="resolve_selected",
            title=_("Resolve problem reports"),
            label=_("What we did"),
            help_text=_("Reporters who left an email get this, for example “We updated the phone number.”"),
            submit="Resolve",
        )
        if page is not None:
            return page
        notified = sum(report.resolve(request.user, note) for report in reports)
        for report in reports:
            self.log_change(request, report, "Resolved.")
        unsent = sum(1 for report in reports if report.contact_email and report.reporter_notified_at is None)
        self.message_user(
            request,
            f"{len(reports)} {model_ngettext(self.opts, len(reports))} resolved; {notified} reporters emailed."
            + (f" {unsent} emails to reporters could not be sent." if unsent else ""),
            messages.WARNING if unsent else messages.SUCCESS,
        )
