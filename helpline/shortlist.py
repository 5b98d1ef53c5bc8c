"""The shortlist for the current call, kept in the worker's session, and the versions handed to the caller.

Only facility ids are kept: nothing about the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from centers.models import Facility

SESSION_KEY = "helpline_shortlist"
MAX_FACILITIES = 10
UP, DOWN = "up", "down"

HELP_LINE = "Help 24/7: 1-800-662-4357. Crisis: 988"
# Fits three facilities in one text message thread of under 480 characters (about three SMS parts).
NAME_LIMIT = 40
STREET_LIMIT = 32
CITY_LIMIT = 20


class Shortlist:
    """An ordered list of up to ten listed facilities, stored as ids in ``session``."""

    def __init__(self, session):
        self.session = session

    @property
    def ids(self) -> list[int]:
        return list(self.session.get(SESSION_KEY, []))

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, pk) -> bool:
        return pk in self.ids

    @property
    def is_full(self) -> bool:
        return len(self) >= MAX_FACILITIES

    def add(self, pk: int) -> bool:
        """Add at the end; False if it was already there. Callers check ``is_full`` first."""
        ids = self.ids
        if pk in ids:
            return False
        if len(ids) >= MAX_FACILITIES:
            raise ValueError(f"The shortlist holds at most {MAX_FACILITIES} facilities")
        self._save([*ids, pk])
        return True

    def remove(self, pk: int) -> None:
        self._save([item for item in self.ids if item != pk])

    def move(self, pk: int, direction: str) -> None:
        """Swap with the neighbour above or below; at either end, nothing changes."""
        ids = self.ids
        index = ids.index(pk)
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
            self._save(ids)

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)

    def facilities(self, queryset=None) -> list[Facility]:
        """The listed facilities, in shortlist order; ids no longer listed are dropped from the session."""
        ids = self.ids
        if not ids:
            return []
        queryset = queryset if queryset is not None else Facility.objects.listed().for_helpline_cards()
        found = {facility.pk: facility for facility in queryset.filter(pk__in=ids)}
        if len(found) != len(ids):
            self._save([pk for pk in ids if pk in found])
        return [found[pk] for pk in ids if pk in found]

    def _save(self, ids: list[int]) -> None:
        self.session[SESSION_KEY] = ids  # assigning (not mutating) marks the session as modified


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, ending with "..." (plain ASCII:
    one curly character would turn a whole text message into the shorter Unicode kind)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if text[limit - 3] != " " and " " in cut:
        # Mid-word: drop the partial word, unless that would leave too little of the name.
        whole_words = cut.rsplit(" ", 1)[0]
        if len(whole_words) >= limit // 2:
            cut = whole_words
    return f"{cut.rstrip(' ,.-')}..."


def short_address(facility: Facility) -> str:
    return f"{shorten(facility.street1, STREET_LIMIT)}, {shorten(facility.city, CITY_LIMIT)} {facility.state}"


def shortlist_text(facilities: Iterable[Facility]) -> str:
    """The list as a text message: one short line per facility, then the helpline and crisis numbers."""
    lines = [
        " ".join(part for part in (f"{number})", shorten(facility.name, NAME_LIMIT), facility.call_phone) if part)
        + f", {short_address(facility)}"
        for number, facility in enumerate(facilities, start=1)
    ]
    return "\n".join([*lines, HELP_LINE])


def phone_numbers(facility: Facility) -> list[tuple[str, str]]:
    """(label, number) for each different phone number, the one a new patient should call first."""
    numbers, seen = [], set()
    for label, number in (("Intake", facility.intake_phone), ("Main", facility.phone), ("24-hour", facility.hotline)):
        if number and number not in seen:
            numbers.append((label, number))
            seen.add(number)
    return numbers


def shortlist_email_text(facilities: Iterable[Facility], *, note: str = "", link: Callable[[Facility], str]) -> str:
    """The list as an email: the same facilities with every phone number, full address, care and payment."""
    intro = "Here are the treatment options we talked about:"
    parts = [note.strip(), intro] if note.strip() else [intro]
    for number, facility in enumerate(facilities, start=1):
        lines = [f"{number}) {facility.name}" + (f" ({facility.name2})" if facility.name2 else "")]
        lines += [f"   {label}: {phone}" for label, phone in phone_numbers(facility)]
        lines.append(f"   Address: {facility.full_address}")
        care = [level.short_label for level in facility.levels_of_care]
        care += [medication.short_label for medication in facility.medications]
        if care:
            lines.append(f"   Care: {', '.join(care)}")
        if facility.payments:
            lines.append(f"   Payment: {', '.join(str(payment.label) for payment in facility.payments)}")
        if facility.intake_hours:
            lines.append(f"   When to call or walk in: {' '.join(facility.intake_hours.split())}")
        lines.append(f"   More: {link(facility)}")
        parts.append("\n".join(lines))
    parts += [
        "Please call before you go: services, insurance and openings change.",
        "SAMHSA National Helpline: 1-800-662-4357 (free, confidential, 24/7, English and Spanish).\n"
        "988 Suicide & Crisis Lifeline: call or text 988.\n"
        "Emergency: 911.",
    ]
    return "\n\n".join(parts) + "\n"
