"""The fixed search mix: 30 ZIP codes across the country, with filters, radii and some second pages.

The same 30 searches run on every data set (the national file, generated 20,000 and 100,000), so
their figures compare. Big cities first, then mid-size and rural places; about half carry filters
(types of care, payment, medications), three ask for page 2, and the radius ranges from 10 miles to
the whole state.
"""

from __future__ import annotations

from urllib.parse import urlencode

# (ZIP, radius, filters, page)
SEARCHES: list[tuple[str, str, tuple[tuple[str, str], ...], int]] = [
    ("60601", "25", (), 1),  # Chicago: the example (294 results in the national file)
    ("60601", "25", (), 2),
    ("10001", "10", (("level", "outpatient"),), 1),
    ("90012", "25", (("payment", "medicaid"),), 1),
    ("77002", "25", (("level", "intensive-outpatient"), ("level", "outpatient"), ("payment", "medicaid")), 1),
    ("85004", "25", (("medication", "buprenorphine"),), 1),
    ("19103", "10", (("level", "medical-detox"),), 1),
    ("78205", "25", (("payment", "private-insurance"),), 2),
    ("92101", "25", (("level", "residential-short-term"), ("level", "residential-long-term")), 1),
    ("75201", "50", (("medication", "methadone"),), 1),
    ("30303", "25", (("level", "outpatient"), ("payment", "sliding-scale")), 1),
    ("02108", "10", (("medication", "naltrexone"),), 1),
    ("98101", "25", (), 2),
    ("80202", "25", (("level", "intensive-outpatient"),), 1),
    ("33130", "25", (("payment", "medicaid"), ("payment", "medicare")), 1),
    ("48226", "25", (("level", "opioid-treatment-program"),), 1),
    ("55401", "25", (("level", "outpatient"), ("medication", "buprenorphine")), 1),
    ("97204", "10", (("payment", "self-pay"),), 1),
    ("21202", "25", (("level", "partial-hospitalization"),), 1),
    ("37203", "50", (("level", "residential-short-term"), ("payment", "private-insurance")), 1),
    ("43215", "25", (), 1),
    ("28202", "25", (("level", "intensive-outpatient"), ("level", "outpatient"), ("payment", "medicaid")), 1),
    ("64106", "25", (("medication", "buprenorphine"), ("payment", "medicaid")), 1),
    ("87102", "50", (), 1),
    ("40202", "25", (("level", "medical-detox"), ("level", "outpatient-detox")), 1),
    ("70112", "25", (("payment", "military"),), 1),
    ("84111", "25", (("level", "outpatient"),), 1),
    ("59101", "100", (), 1),  # Billings, MT: few facilities over a wide area
    ("05401", "state", (("level", "outpatient"),), 1),  # anywhere in Vermont
    ("99501", "250", (("payment", "ihs-tribal"),), 1),  # Anchorage
]


def query_strings() -> list[str]:
    """The 30 searches as query strings for the public search page (``/?...``)."""
    queries = []
    for zip_code, radius, filters, page in SEARCHES:
        params = [("location", zip_code), ("radius", radius), *filters]
        if page != 1:
            params.append(("page", str(page)))
        queries.append(urlencode(params))
    return queries


def is_filtered(query: str) -> bool:
    return any(f"{name}=" in query for name in ("level", "payment", "medication"))
