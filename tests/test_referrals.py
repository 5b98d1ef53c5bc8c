"""The referral log: logging a referral in a few seconds, "your referrals", and follow-ups due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from helpline.models import Referral
from tests.conftest import make_facility, make_user

pytestmark = pytest.mark.django_db

LOG = reverse("helpline:log-referral")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def make_referral(worker, **overrides) -> Referral:
    values = {
        "worker": worker,
        "facility_name": "Peachtree Medical Detox",
        "state": "GA",
        "county": "Fulton",
        "level_sought": "medical-detox",
        "outcome": Referral.Outcome.REFERRED,
        **overrides,
    }
    return Referral.objects.create(**values)


def referral_data(facility, **overrides) -> dict:
    return {
        "facility": facility.pk,
        "level_sought": "medical-detox",
        "payment": "medicaid",
        "outcome": "referred",
        "follow_up_on": "",
        "note": "",
        **overrides,
    }


def log(client, facilities, **data):
    query = "&".join(f"facility={facility.pk}" for facility in facilities)
    return client.post(f"{LOG}?{query}", referral_data(facilities[0], **data))


# Who may use the referral log


def referral_log_urls() -> list[str]:
    return [LOG, reverse("helpline:referrals"), reverse("helpline:follow-ups")]


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in referral_log_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("portal:login")), url

    response = client.post(reverse("helpline:complete-follow-up", args=[1]), {"follow_up_outcome": "other"})
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["editor", "plain"])
def test_admissions_staff_and_plain_users_are_refused(client, request, who):
    user = make_user("pat") if who == "plain" else request.getfixturevalue(who)
    client.force_login(user)

    for url in referral_log_urls():
        assert client.get(url).status_code == 403, url
    assert client.post(LOG, {}).status_code == 403
    assert Referral.objects.count() == 0


def test_helpline_workers_and_supervisors_may_log_referrals(client, helpline_worker, supervisor):
    for user in [helpline_worker, supervisor]:
        client.force_login(user)
        for url in referral_log_urls():
            assert client.get(url).status_code == 200, url


# Logging a referral


def test_the_form_offers_only_the_facilities_from_the_shortlist(
    client, helpline_worker, detox_atlanta, outpatient_decatur, methadone_macon
):
    client.force_login(helpline_worker)

    response = client.get(f"{LOG}?facility={detox_atlanta.pk}&facility={methadone_macon.pk}")

    assert response.status_code == 200
    offered = list(response.context["form"].fields["facility"].queryset)
    assert offered == [methadone_macon, detox_atlanta]  # by name
    html = response.content.decode()
    assert "Peachtree Medical Detox (Atlanta, GA)" in html
    assert "Decatur Outpatient Counseling" not in html


def test_one_shortlisted_facility_and_the_searched_care_are_filled_in(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    response = client.get(f"{LOG}?facility={detox_atlanta.pk}&level=medical-detox&payment=medicaid")

    form = response.context["form"]
    assert str(form["facility"].value()) == str(detox_atlanta.pk)
    assert form["level_sought"].value() == "medical-detox"
    assert form["payment"].value() == "medicaid"


def test_without_a_shortlist_the_facility_is_found_by_name_or_number(
    client, helpline_worker, detox_atlanta, outpatient_decatur
):
    client.force_login(helpline_worker)

    assert list(client.get(LOG).context["form"].fields["facility"].queryset) == []
    by_name = client.get(f"{LOG}?q=decatur").context["form"].fields["facility"].queryset
    by_number = client.get(f"{LOG}?q={detox_atlanta.pk}").context["form"].fields["facility"].queryset
    assert list(by_name) == [outpatient_decatur]
    assert list(by_number) == [detox_atlanta]


def test_logging_a_referral_saves_it_and_returns_to_your_referrals(client, helpline_worker, detox_atlanta):
    detox_atlanta.county = "Fulton"
    detox_atlanta.save()
    client.force_login(helpline_worker)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = log(client, [detox_atlanta], outcome="warm-handoff", follow_up_on=tomorrow.isoformat(), note="Beds at 3")

    assert response.status_code == 302
    assert response["Location"] == reverse("helpline:referrals")
    referral = Referral.objects.get()
    assert referral.worker == helpline_worker
    assert referral.facility == detox_atlanta
    assert (referral.facility_name, referral.state, referral.county) == ("Peachtree Medical Detox", "GA", "Fulton")
    assert (referral.level_sought, referral.payment) == ("medical-detox", "medicaid")
    assert referral.outcome == Referral.Outcome.WARM_HANDOFF
    assert referral.follow_up_on == tomorrow
    assert referral.note == "Beds at 3"
    page = client.get(response["Location"])
    assert messages_of(page) == ["Referral logged: Peachtree Medical Detox, Warm hand-off."]
    assert "Beds at 3" in page.content.decode()


def test_a_follow_up_date_in_the_past_is_refused(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = log(client, [detox_atlanta], follow_up_on=yesterday.isoformat())

    assert response.status_code == 400
    assert response.context["form"].errors["follow_up_on"] == [
        "The follow-up date can't be in the past. Choose today or a later day."
    ]
    assert "can&#x27;t be in the past" in response.content.decode()
    assert Referral.objects.count() == 0
    assert log(client, [detox_atlanta], follow_up_on=timezone.localdate().isoformat()).status_code == 302


def test_an_unknown_outcome_is_refused_with_a_message_by_the_field(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    response = log(client, [detox_atlanta], outcome="admitted-by-magic")

    assert response.status_code == 400
    assert response.context["form"].errors["outcome"] == ["Please choose one of the outcomes listed."]
    assert 'id="id_outcome_error"' in response.content.decode()
    assert Referral.objects.count() == 0


def test_an_empty_post_is_refused(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    response = client.post(f"{LOG}?facility={detox_atlanta.pk}", {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["facility"] == ["Please choose the facility you referred the caller to."]
    assert errors["outcome"] == ["Please choose what happened."]


def test_a_facility_that_was_not_offered_is_refused(client, helpline_worker, detox_atlanta, outpatient_decatur):
    client.force_login(helpline_worker)

    response = client.post(f"{LOG}?facility={detox_atlanta.pk}", referral_data(outpatient_decatur))

    assert response.status_code == 400
    assert response.context["form"].errors["facility"] == ["Please choose one of the facilities listed."]


def test_an_unlisted_facility_cannot_be_chosen(client, helpline_worker, unlisted_center):
    client.force_login(helpline_worker)

    response = log(client, [unlisted_center])

    assert response.status_code == 400
    assert Referral.objects.count() == 0


def test_notes_are_limited_to_500_characters_counting_a_line_break_as_one(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    too_long = log(client, [detox_atlanta], note="x" * 501)
    fits = log(client, [detox_atlanta], note="x" * 249 + "\r\n" + "y" * 250)

    assert too_long.status_code == 400
    assert too_long.context["form"].errors["note"] == [
        "Please shorten the note to 500 characters or fewer. It has 501."
    ]
    assert fits.status_code == 302
    assert len(Referral.objects.get().note) == 500


def test_the_note_field_warns_against_identifying_details_and_says_when_notes_are_deleted(
    client, helpline_worker, detox_atlanta, settings
):
    settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS = 30
    client.force_login(helpline_worker)

    html = client.get(f"{LOG}?facility={detox_atlanta.pk}").content.decode()

    warning = (
        "Do not enter the caller&#x27;s name, phone number, date of birth or anything else that could identify "
        "them. Notes are deleted after 30 days."
    )
    assert warning in html
    assert 'aria-describedby="id_note_helptext"' in html
    assert 'maxlength="500"' in html


def test_the_form_labels_its_fields_in_plain_words(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    html = client.get(f"{LOG}?facility={detox_atlanta.pk}").content.decode()

    for label in [
        '<label for="id_facility">Facility</label>',
        '<label for="id_level_sought">Type of care they need</label>',
        '<label for="id_payment">How they will pay</label>',
        "<legend>What happened?</legend>",
        '<label for="id_follow_up_on">Follow-up call (optional)</label>',
        '<label for="id_note">Note (optional)</label>',
        '<button type="submit" class="primary">Log referral</button>',
        'type="date"',
    ]:
        assert label in html, label


def test_a_referral_has_no_fields_for_the_callers_identity():
    names = [field.name for field in Referral._meta.get_fields()]

    for forbidden in ["name", "phone", "birth", "dob", "email", "address", "caller"]:
        assert not [name for name in names if forbidden in name and name != "facility_name"], forbidden


# Your referrals


def test_workers_see_only_their_own_referrals(client, helpline_worker, other_helpline_worker):
    make_referral(helpline_worker, facility_name="Hana's Referral Place")
    make_referral(other_helpline_worker, facility_name="Henry's Referral Place")
    client.force_login(helpline_worker)

    for url in [reverse("helpline:referrals"), reverse("helpline:referrals") + "?worker=all"]:
        response = client.get(url)
        html = response.content.decode()
        assert [r.facility_name for r in response.context["page"]] == ["Hana's Referral Place"], url
        assert "Henry&#x27;s Referral Place" not in html, url
        assert "Show everyone" not in html


def test_supervisors_see_everyones_referrals_with_the_workers_name(
    client, supervisor, helpline_worker, other_helpline_worker
):
    make_referral(helpline_worker, facility_name="Hana's Referral Place")
    make_referral(other_helpline_worker, facility_name="Henry's Referral Place")
    client.force_login(supervisor)

    own = client.get(reverse("helpline:referrals"))
    everyone = client.get(reverse("helpline:referrals") + "?worker=all")

    assert list(own.context["page"]) == []
    assert {r.facility_name for r in everyone.context["page"]} == {"Hana's Referral Place", "Henry's Referral Place"}
    html = everyone.content.decode()
    assert '<th scope="col">Worker</th>' in html
    assert "<td>hana</td>" in html and "<td>henry</td>" in html


def test_a_purged_note_says_when_it_was_deleted(client, helpline_worker):
    make_referral(helpline_worker, note="", note_purged_at=timezone.now())
    client.force_login(helpline_worker)

    assert "Deleted " in client.get(reverse("helpline:referrals")).content.decode()


# Follow-ups


def test_workers_see_their_own_follow_ups_due_today_and_overdue_first(client, helpline_worker, other_helpline_worker):
    today = timezone.localdate()
    make_referral(helpline_worker, facility_name="Due Today", follow_up_on=today)
    make_referral(helpline_worker, facility_name="Overdue", follow_up_on=today - timedelta(days=2))
    make_referral(helpline_worker, facility_name="Tomorrow", follow_up_on=today + timedelta(days=1))
    make_referral(helpline_worker, facility_name="No Follow-up")
    make_referral(helpline_worker, facility_name="Done", follow_up_on=today, follow_up_done_at=timezone.now())
    make_referral(other_helpline_worker, facility_name="Henry's", follow_up_on=today)
    client.force_login(helpline_worker)

    response = client.get(reverse("helpline:follow-ups"))

    assert [r.facility_name for r in response.context["due"]] == ["Overdue", "Due Today"]
    html = response.content.decode()
    assert "Overdue:</strong> was due" in html
    assert "Henry" not in html


def test_follow_ups_keep_the_case_of_abbreviations_in_the_type_of_care(client, helpline_worker):
    make_referral(helpline_worker, level_sought="intensive-outpatient", follow_up_on=timezone.localdate())
    client.force_login(helpline_worker)

    html = client.get(reverse("helpline:follow-ups")).content.decode()

    assert "Referred · Intensive outpatient (IOP)" in html and "(iop)" not in html


def test_supervisors_see_every_workers_follow_ups_due(client, supervisor, helpline_worker, other_helpline_worker):
    today = timezone.localdate()
    make_referral(helpline_worker, facility_name="Hana's", follow_up_on=today)
    make_referral(other_helpline_worker, facility_name="Henry's", follow_up_on=today - timedelta(days=1))
    client.force_login(supervisor)

    response = client.get(reverse("helpline:follow-ups"))

    assert [r.facility_name for r in response.context["due"]] == ["Henry's", "Hana's"]
    assert "Worker: henry" in response.content.decode()


def test_completing_a_follow_up_records_how_it_went(client, helpline_worker):
    referral = make_referral(helpline_worker, follow_up_on=timezone.localdate())
    client.force_login(helpline_worker)
    url = reverse("helpline:complete-follow-up", args=[referral.pk])

    response = client.post(url, {"follow_up_outcome": "entered-treatment"})

    assert response.status_code == 302
    assert response["Location"] == reverse("helpline:follow-ups")
    referral.refresh_from_db()
    assert referral.follow_up_outcome == Referral.FollowUpOutcome.ENTERED_TREATMENT
    assert referral.follow_up_done_at is not None
    page = client.get(response["Location"])
    assert messages_of(page) == ["Follow-up marked done: Peachtree Medical Detox, Entered treatment."]
    assert list(page.context["due"]) == []


def test_a_worker_cannot_complete_another_workers_follow_up(client, helpline_worker, other_helpline_worker):
    referral = make_referral(other_helpline_worker, follow_up_on=timezone.localdate())
    client.force_login(helpline_worker)

    response = client.post(reverse("helpline:complete-follow-up", args=[referral.pk]), {"follow_up_outcome": "other"})

    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.follow_up_done_at is None
    assert referral.follow_up_outcome == ""


def test_a_supervisor_may_complete_any_follow_up(client, supervisor, helpline_worker):
    referral = make_referral(helpline_worker, follow_up_on=timezone.localdate())
    client.force_login(supervisor)

    response = client.post(reverse("helpline:complete-follow-up", args=[referral.pk]), {"follow_up_outcome": "other"})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.follow_up_outcome == "other"


def test_completing_without_saying_how_it_went_shows_the_error_by_that_follow_up(client, helpline_worker):
    referral = make_referral(helpline_worker, follow_up_on=timezone.localdate())
    client.force_login(helpline_worker)

    response = client.post(reverse("helpline:complete-follow-up", args=[referral.pk]), {"follow_up_outcome": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="follow-up-{referral.pk}-outcome_error"' in html
    assert "Please choose how the follow-up went." in html
    referral.refresh_from_db()
    assert referral.follow_up_done_at is None


def test_completing_a_follow_up_twice_keeps_the_first_answer(client, helpline_worker):
    referral = make_referral(helpline_worker, follow_up_on=timezone.localdate())
    client.force_login(helpline_worker)
    url = reverse("helpline:complete-follow-up", args=[referral.pk])

    client.post(url, {"follow_up_outcome": "appointment-set"})
    response = client.post(url, {"follow_up_outcome": "not-reached"})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.follow_up_outcome == "appointment-set"


def test_completing_a_follow_up_needs_a_post(client, helpline_worker):
    referral = make_referral(helpline_worker, follow_up_on=timezone.localdate())
    client.force_login(helpline_worker)

    assert client.get(reverse("helpline:complete-follow-up", args=[referral.pk])).status_code == 405


def test_a_removed_supervisor_group_member_loses_everyones_view(client, helpline_worker, other_helpline_worker):
    make_referral(other_helpline_worker, facility_name="Henry's")
    helpline_worker.groups.add(Group.objects.get(name="Helpline supervisors"))
    client.force_login(helpline_worker)
    assert len(client.get(reverse("helpline:referrals") + "?worker=all").context["page"]) == 1

    helpline_worker.groups.remove(Group.objects.get(name="Helpline supervisors"))

    assert len(client.get(reverse("helpline:referrals") + "?worker=all").context["page"]) == 0


def test_facility_cards_link_to_the_listing(client, helpline_worker):
    facility = make_facility(name="Linked Place")
    make_referral(helpline_worker, facility=facility, facility_name="")
    client.force_login(helpline_worker)

    assert f'href="{facility.get_absolute_url()}"' in client.get(reverse("helpline:referrals")).content.decode()


def test_visible_to_gives_supervisors_every_referral_and_anyone_else_their_own(
    helpline_worker, other_helpline_worker, supervisor, steward, editor
):
    mine = make_referral(helpline_worker)
    theirs = make_referral(other_helpline_worker)
    superuser_only = make_user("root", is_superuser=True)

    def visible(user):
        return set(Referral.objects.visible_to(user))

    assert visible(supervisor) == {mine, theirs}
    assert visible(steward) == {mine, theirs}  # a superuser supervises too
    assert visible(superuser_only) == {mine, theirs}
    assert visible(helpline_worker) == {mine}
    assert visible(other_helpline_worker) == {theirs}
    assert visible(editor) == set()
