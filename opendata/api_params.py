"""The query parameters of the HSDS read API (/api/hsds/), read and checked in one place.

Every bad value is a 400 with a message for that parameter (``{"page": ["..."]}``, as Finder's own JSON API
answers); parameters the HSDS API does not name are ignored, as its reference allows.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from centers import geo

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
# The search page's widest radius (250 miles), in metres: the HSDS proximity is in metres.
MAX_PROXIMITY_METRES = 402_336
METRES_PER_MILE = 1609.344
MAX_SEARCH_LENGTH = 200
FORMATS = ("json", "ndjson")

_PAGE_RE = re.compile(r"[0-9]{1,18}", flags=re.ASCII)
_NUMBER_RE = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,6})?", flags=re.ASCII)
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


@dataclass
class Query:
    """What one request to a list endpoint asks for; fields the endpoint doesn't take stay at their defaults."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    format: str = "json"
    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    minimal: bool = False
    full: bool = False
    full_service: bool = False
    top_only: bool = False
    postcode: str = ""
    near: geo.Point | None = None
    miles: float | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def read_query(params, names: tuple[str, ...]) -> Query:
    """The parameters ``names`` read from ``params`` (request.query_params); a ValidationError lists every bad one."""
    query = Query()
    for name in names:
        raw = params.get(name)
        if raw is None:
            continue
        if "\x00" in raw:
            query.errors[name] = ["This parameter contains a NUL character."]
            continue
        try:
            setattr(query, ATTRIBUTES.get(name, name), READERS[name](raw))
        except ValueError as error:
            query.errors[name] = [str(error)]
    if "postcode" in names:
        _place(query, params)
    if query.errors:
        raise ValidationError(query.errors)
    return query


def read_flag(params, name: str) -> bool:
    """One boolean parameter of a single-object endpoint (``full_service``); a bad value is a 400."""
    raw = params.get(name)
    if raw is None:
        return False
    try:
        return _boolean(raw)
    except ValueError as error:
        raise ValidationError({name: [str(error)]}) from None


def _page(raw: str) -> int:
    if not _PAGE_RE.fullmatch(raw) or int(raw) < 1:
        raise ValueError("Give a page number: a whole number, 1 or more.")
    return int(raw)


def _per_page(raw: str) -> int:
    if not _PAGE_RE.fullmatch(raw) or not 1 <= int(raw) <= MAX_PER_PAGE:
        raise ValueError(f"Give a whole number of results per page, from 1 to {MAX_PER_PAGE}.")
    return int(raw)


def _format(raw: str) -> str:
    if raw not in FORMATS:
        raise ValueError("The format is json (the default) or ndjson.")
    return raw


def _search(raw: str) -> str:
    words = " ".join(raw.split())
    if len(words) > MAX_SEARCH_LENGTH:
        raise ValueError(f"Search for at most {MAX_SEARCH_LENGTH} characters.")
    return words


def _uuid(raw: str) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValueError("This is not an HSDS id; ids are UUIDs, like 3f7b145d-84af-42d7-8fae-eaca714b02b2.") from None


def _datetime(raw: str) -> datetime:
    """An ISO 8601 date or date and time; without a time zone it is UTC, a date alone is its midnight UTC."""
    message = "Give a date and time in ISO 8601, like 2025-01-31 or 2025-01-31T14:00:00Z."
    text = raw.strip()
    if len(text) > 40:
        raise ValueError(message)
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None  # a well-formed but impossible date: February 30th, hour 25
    if moment is None:
        raise ValueError(message)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(message) from None  # year 1 or 9999 pushed past the calendar by its offset


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("Give true or false.")


def _postcode(raw: str) -> str:
    match = geo.ZIP_RE.match(raw.strip())
    if not match:
        raise ValueError("Give a 5-digit ZIP code, like 30303.")
    if geo.zip_point(match.group(1)) is None:
        raise ValueError(f"We couldn't find the ZIP code {match.group(1)}.")
    return match.group(1)


def _proximity(raw: str) -> float:
    text = raw.strip()
    if not _NUMBER_RE.fullmatch(text) or not 0 < float(text) <= MAX_PROXIMITY_METRES:
        raise ValueError(f"Give a distance in metres, more than 0 and at most {MAX_PROXIMITY_METRES} (250 miles).")
    return float(text) / METRES_PER_MILE


def _place(query: Query, params) -> None:
    """postcode with proximity: within that distance of the ZIP code's centre; postcode alone: at that ZIP code."""
    if "proximity" in query.errors or "postcode" in query.errors:
        return
    if query.miles is not None and not query.postcode:
        query.errors["proximity"] = ["Give a postcode too: proximity is measured from the centre of its ZIP code."]
    elif query.miles is not None:
        query.near = geo.zip_point(query.postcode)


READERS = {
    "page": _page,
    "per_page": _per_page,
    "format": _format,
    "search": _search,
    "taxonomy_term_id": _uuid,
    "taxonomy_id": _uuid,
    "organization_id": _uuid,
    "parent_id": _uuid,
    "modified_after": _datetime,
    "minimal": _boolean,
    "full": _boolean,
    "full_service": _boolean,
    "top_only": _boolean,
    "postcode": _postcode,
    "proximity": _proximity,
}
# Where a reader's result goes, when not under the parameter's own name: proximity is kept in miles.
ATTRIBUTES = {"proximity": "miles"}
