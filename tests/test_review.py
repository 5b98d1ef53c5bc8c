import pytest

from portal.models import PendingChange

pytestmark = pytest.mark.django_db


def test_approving_an_address_change_moves_the_facility_to_the_new_zip(detox_atlanta, editor, steward):
    change = PendingChange.objects.create(
        facility=detox_atlanta,
        submitted_by=editor,
        changes={"city": {"old": "Atlanta", "new": "Macon"}, "zip_code": {"old": "30303", "new": "31201"}},
    )
    change.approve(steward)
    detox_atlanta.refresh_from_db()
    assert (detox_atlanta.city, detox_atlanta.zip_code) == ("Macon", "31201")
    assert detox_atlanta.latitude == pytest.approx(32.84, abs=0.1)


def test_approving_a_phone_change_keeps_the_coordinates(detox_atlanta, editor, steward):
    before = (detox_atlanta.latitude, detox_atlanta.longitude)
    PendingChange.objects.create(
        facility=detox_atlanta,
        submitted_by=editor,
        changes={"phone": {"old": "(404) 555-0100", "new": "(404) 555-0177"}},
    ).approve(steward)
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.phone == "(404) 555-0177"
    assert (detox_atlanta.latitude, detox_atlanta.longitude) == before
