"""Two people press buttons at once: real concurrent requests on PostgreSQL, with the interleaving forced."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from centers.models import Availability, AvailabilityStatus
from portal.availability_forms import AvailabilityForm

pytestmark = [
    # serialized_rollback: the flush after the test must not leave later tests without the Service rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # SQLite serialises whole-database writes, so the race cannot happen there.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
]

WAIT = 15  # seconds; generous, so a slow CI machine never fails by timeout


def post_as(user, facility, data, results, key):
    """One staff member's request from their own browser (its own thread and database connection)."""
    from django.db import connection as thread_connection

    try:
        client = Client()
        client.force_login(user)
        results[key] = client.post(reverse("portal:set-availability", args=[facility.pk]), data)
    finally:
        thread_connection.close()


def test_still_accurate_pressed_while_a_colleague_changes_the_status_keeps_the_change(
    monkeypatch, detox_atlanta, clerk, editor
):
    Availability.objects.create(
        facility=detox_atlanta, level="medical-detox", status=AvailabilityStatus.ACCEPTING, open_slots=2
    )
    confirm_validated, colleague_done = threading.Event(), threading.Event()
    save = AvailabilityForm.save

    def save_after_the_colleague(form, user):
        # The seam: "Still accurate" has been validated (the row is read) but not yet written.
        if form.cleaned_data["confirm"]:
            confirm_validated.set()
            assert colleague_done.wait(WAIT)
        return save(form, user)

    monkeypatch.setattr(AvailabilityForm, "save", save_after_the_colleague)
    results = {}
    clara = threading.Thread(
        target=post_as, args=(clerk, detox_atlanta, {"level": "medical-detox", "confirm": "1"}, results, "clara")
    )
    clara.start()
    try:
        assert confirm_validated.wait(WAIT)
        eddie = {"level": "medical-detox", "status": "not-accepting"}
        post_as(editor, detox_atlanta, eddie, results, "eddie")
    finally:
        colleague_done.set()
        clara.join(WAIT)

    assert results["eddie"].status_code == 302 and results["clara"].status_code == 302
    availability = Availability.objects.get(facility=detox_atlanta, level="medical-detox")
    assert availability.status == AvailabilityStatus.NOT_ACCEPTING  # Eddie's change survives
    assert availability.open_slots is None  # and so does clearing the numbers meant for "accepting"
    assert availability.updated_by == clerk  # Clara confirmed last


def test_a_status_tap_waits_for_a_colleague_holding_the_row_and_answers_after_them(
    monkeypatch, detox_atlanta, clerk, editor
):
    Availability.objects.create(
        facility=detox_atlanta, level="medical-detox", status=AvailabilityStatus.ACCEPTING, open_slots=2
    )
    holding, release = threading.Event(), threading.Event()
    save = Availability.save

    def hold_the_row(availability, *args, **kwargs):
        # The seam: Clara's details are being written inside her transaction, with the row locked.
        if availability.updated_by == clerk:
            holding.set()
            assert release.wait(WAIT)
        return save(availability, *args, **kwargs)

    monkeypatch.setattr(Availability, "save", hold_the_row)
    results = {}
    details = {"level": "medical-detox", "details": "True", "status": "accepting", "open_slots": "3"}
    details.update({"initial-status": "accepting", "initial-open_slots": "2"})
    clara = threading.Thread(target=post_as, args=(clerk, detox_atlanta, details, results, "clara"))
    clara.start()
    eddie = threading.Thread(
        target=post_as,
        args=(editor, detox_atlanta, {"level": "medical-detox", "status": "waitlist"}, results, "eddie"),
    )
    try:
        assert holding.wait(WAIT)
        eddie.start()
        eddie.join(1)
        assert eddie.is_alive(), "Eddie's tap must wait for the row Clara is writing"
    finally:
        release.set()
        clara.join(WAIT)
        eddie.join(WAIT)

    assert results["clara"].status_code == 302 and results["eddie"].status_code == 302
    availability = Availability.objects.get(facility=detox_atlanta, level="medical-detox")
    # Eddie answered after Clara's details were stored, so his new status cleared her number.
    assert (availability.status, availability.open_slots, availability.updated_by) == ("waitlist", None, editor)
    assert [h.open_slots for h in availability.history.all()[:2]] == [None, 3]


def test_two_first_answers_at_once_both_succeed(monkeypatch, detox_atlanta, clerk, editor):
    both_validated = threading.Barrier(2, timeout=WAIT)
    save = AvailabilityForm.save

    def save_together(form, user):
        both_validated.wait()  # both found no row for this level yet
        return save(form, user)

    monkeypatch.setattr(AvailabilityForm, "save", save_together)
    results = {}
    threads = [
        threading.Thread(
            target=post_as, args=(user, detox_atlanta, {"level": "outpatient", "status": status}, results, key)
        )
        for user, status, key in ((clerk, "accepting", "clara"), (editor, "waitlist", "eddie"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)

    assert results["clara"].status_code == 302 and results["eddie"].status_code == 302
    [availability] = Availability.objects.filter(facility=detox_atlanta, level="outpatient")
    assert availability.history.count() == 2  # both answers are recorded, one after the other
