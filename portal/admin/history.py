"""History pages as a steward reads them: local times, choice labels, and whole lists of what was added or removed.

django-simple-history prints each change as ``old → new`` reprs cut to 100 characters: a time in UTC with
microseconds, a choice's stored value, and a list of services cut in the middle ("Hospital[103 chars](RD)").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import ManyToManyField, Model
from django.http import Http404
from django.utils import formats, timezone
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

BLANK = "(blank)"


def local_time(moment: datetime) -> str:
    """A moment in settings.TIME_ZONE, with the zone's name: "Jan. 15, 2025, 10:30 a.m. EST"."""
    moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{formats.date_format(moment, 'DATETIME_FORMAT')} {moment.tzname() or ''}".strip()


def related_label(obj: Any) -> str:
    """A service by its plain label, anything else (an insurer, a user) by its name."""
    if isinstance(obj, DeletedObject):
        return BLANK if obj.pk is None else f"(deleted, id {obj.pk})"
    return getattr(obj, "label", None) or str(obj)


class PlainHistoryChanges(HistoricalRecordContextHelper):
    """One entry per changed field: ``old`` and ``new`` in full, or for services and insurers ``added``/``removed``."""

    def context_for_delta_changes(self, delta) -> list[dict[str, Any]]:
        return [self.describe(change) for change in delta.changes]

    def describe(self, change) -> dict[str, Any]:
        field = self.model._meta.get_field(change.field)
        entry = {"field": capfirst(field.verbose_name)}
        if isinstance(field, ManyToManyField):
            old, new = self.related(field, change.old), self.related(field, change.new)
            entry["added"] = sorted(related_label(new[pk]) for pk in new.keys() - old.keys())
            entry["removed"] = sorted(related_label(old[pk]) for pk in old.keys() - new.keys())
        else:
            entry["old"], entry["new"] = self.value(field, change.old), self.value(field, change.new)
        return entry

    @staticmethod
    def related(field: ManyToManyField, rows: list[dict]) -> dict[Any, Any]:
        """The related objects of one version's through rows, by primary key."""
        name = get_m2m_reverse_field_name(field)
        objects = (row[name] for row in rows)
        return {obj.pk if isinstance(obj, Model | DeletedObject) else obj: obj for obj in objects}

    @staticmethod
    def value(field, value: Any) -> str:
        if value is None or value == "":
            return BLANK
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            return local_time(value)
        if isinstance(value, date):
            return formats.date_format(value, "DATE_FORMAT")
        if isinstance(value, Model | DeletedObject):
            return related_label(value)
        return str(value)


def checked_id(model: type[Model], value: str):
    """``value`` as ``model``'s primary key, or a 404 (not a 500) when it cannot be one."""
    try:
        return model._meta.pk.to_python(value)
    except ValidationError:
        raise Http404("No such record") from None


class PlainHistoryAdmin(SimpleHistoryAdmin):
    """History and revert pages in local time, with whole changes; a history id that is not a number is a 404."""

    object_history_list_template = "admin/history_list.html"
    object_history_form_template = "admin/history_form.html"

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history looks the id up unchecked: "/admin/.../abc/history/" was a ValueError (a 500).
        checked_id(self.model, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = self.model.history.model
        checked_id(self.model, unquote(object_id))
        version_id = checked_id(history, version_id)
        version = history.objects.filter(pk=version_id).select_related("history_user").first()
        context = {"version": version, "version_time": local_time(version.history_date) if version else ""}
        return super().history_form_view(request, object_id, version_id, {**context, **(extra_context or {})})

    def get_historical_record_context_helper(self, request, historical_record):
        return PlainHistoryChanges(self.model, historical_record)
