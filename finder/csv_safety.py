"""The one guard for every CSV Finder writes: no cell can start a spreadsheet formula.

Listing text comes from imports and staff, county names from listings: a cell like ``=HYPERLINK(...)`` would
run when a steward or supervisor opens the download in a spreadsheet (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_VALUES = (int, float, Decimal, date, datetime, type(None))


def spreadsheet_safe(value):
    """Numbers, dates and blanks as they are; any other value as text, with ``'`` in front if it starts a formula."""
    if isinstance(value, PLAIN_VALUES):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SpreadsheetSafeWriter:
    """``csv.writer`` whose every cell goes through ``spreadsheet_safe``. Use it for every CSV download."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
