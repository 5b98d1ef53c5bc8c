"""Referral notes are deleted after the retention period (settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpline.models import Referral

pytestmark = pytest.mark.django_db


def referral_from(days_ago: int, worker, note="Call back after 5", **extra) -> Referral:
    return Referral.objects.create(
        worker=worker,
        facility_name="Peachtree Medical Detox",
        state="GA",
        county="Fulton",
        level_sought="medical-detox",
        payment="medicaid",
        outcome=Referral.Outcome.FACILITY_FULL,
        follow_up_on=timezone.localdate() - timedelta(days=days_ago - 1),
        note=note,
        created_at=timezone.now() - timedelta(days=days_ago),
        **extra,
    )


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_referral_notes", *args, stdout=out)
    return out.getvalue()


def fields_besides_the_note(referral) -> dict:
    values = {field.attname: getattr(referral, field.attname) for field in Referral._meta.concrete_fields}
    return {name: value for name, value in values.items() if name not in ("note", "note_purged_at")}


def test_notes_older_than_90_days_are_deleted_and_newer_ones_kept(helpline_worker):
    old = referral_from(91, helpline_worker)
    recent = referral_from(89, helpline_worker)
    before = fields_besides_the_note(old)

    output = purge()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert output == "Deleted the notes of 1 referral older than 90 days.\n"
    assert old.note == ""
    assert old.note_purged_at is not None
    assert fields_besides_the_note(old) == before
    assert recent.note == "Call back after 5"
    assert recent.note_purged_at is None


def test_running_it_again_changes_nothing(helpline_worker):
    old = referral_from(91, helpline_worker)
    purge()
    old.refresh_from_db()
    first_purge = old.note_purged_at

    assert purge() == "Deleted the notes of 0 referrals older than 90 days.\n"
    old.refresh_from_db()
    assert old.note_purged_at == first_purge


def test_referrals_without_a_note_are_left_alone(helpline_worker):
    empty = referral_from(200, helpline_worker, note="")

    purge()

    empty.refresh_from_db()
    assert empty.note_purged_at is None


def test_the_retention_period_comes_from_settings(helpline_worker, settings):
    settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS = 30
    referral = referral_from(31, helpline_worker)

    assert purge() == "Deleted the notes of 1 referral older than 30 days.\n"
    referral.refresh_from_db()
    assert referral.note == ""


def test_days_can_be_overridden_on_the_command_line(helpline_worker):
    week_old = referral_from(8, helpline_worker)
    yesterday = referral_from(1, helpline_worker)

    assert purge("--days", "7") == "Deleted the notes of 1 referral older than 7 days.\n"
    week_old.refresh_from_db()
    yesterday.refresh_from_db()
    assert (week_old.note, yesterday.note) == ("", "Call back after 5")


def test_zero_days_is_refused(helpline_worker):
    referral_from(1, helpline_worker)

    with pytest.raises(CommandError, match="--days must be 1 or more"):
        purge("--days", "0")
    assert Referral.objects.get().note == "Call back after 5"
