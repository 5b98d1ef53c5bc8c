"""The Django admin for data stewards (Django staff): listings, review queues, staff access, staleness."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import facility, review, staff  # noqa: F401  (importing registers the ModelAdmins)

admin.site.site_header = _("Finder data stewardship")
admin.site.site_title = _("Finder admin")
admin.site.index_title = _("Listings, reviews and staff")
