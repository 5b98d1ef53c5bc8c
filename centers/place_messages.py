"""What a family reads when a place can't be found (centers/geo.py raises them as PlaceNotFound), in their language.

Each is translated when it is shown (gettext_lazy); data goes in by name: ``ZIP_NOT_FOUND % {"zip": "99999"}``.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ASK_FOR_A_PLACE = _("Enter a ZIP code or a city, like 30301 or Atlanta, GA.")
NO_ADDRESS_LOOKUP = _(
    "Street addresses can't be looked up here. Enter a ZIP code or a city, like 30301 or Atlanta, GA."
)
OUTSIDE_COVERAGE = _(
    "That place is outside the United States and its territories, and Finder covers only those. "
    "Try a US ZIP code or a city and state, like 30301 or Atlanta, GA."
)
TOO_LONG = _("That is too long for a place. Use at most %(n)s characters.")
ZIP_NOT_FOUND = _("We couldn't find the ZIP code %(zip)s. Check the 5 digits, like 30301.")
OFF_THE_MAP = _(
    "Those coordinates are off the map. Latitude must be between -90 and 90 and longitude between -180 and 180."
)
ZIP_DIGITS = _("A ZIP code has 5 digits, like 30301.")
WHICH_PART_OF_STATE = _(
    "Which part of %(state)s? Enter a ZIP code or a city, like 30301 or Atlanta, GA. "
    "To see the whole state, also choose “Anywhere in the state” as the distance."
)
NO_PLACE_CALLED = _("We couldn't find a place called %(name)s. Check the spelling, or try a ZIP code.")
NOT_IN_STATE = _("We couldn't find %(name)s in %(state)s. Check the spelling.")
NO_CITY_IN_STATE = _("We couldn't find a city called %(name)s in %(state)s. Check the spelling, or try a ZIP code.")
FOR_THE_COUNTY = _("For the county, enter %(name)s County, %(code)s.")
GEOCODER_DOWN = _("The address lookup service isn't answering right now. Try a ZIP code instead.")
ADDRESS_NOT_FOUND = _("We couldn't find that address. Check it, or try a ZIP code.")
YOUR_LOCATION = pgettext_lazy("the place searched from", "your location")
