"""The Django admin for data stewards (Django staff): listings, review queues, staff access, staleness."""

from django.contrib import admin

from portal.admin import facility, review, staff  # noqa: F401  (importing registers the ModelAdmins)

admin.site.site_header = "Finder data stewardship"
admin.site.site_title = "Finder admin"
admin.site.index_title = "Listings, reviews and staff"
