"""The directory's vocabulary in the admin.

Facilities and their availability are administered from portal/admin/, the stewards' workspace, because
their admin pages show staff access, pending reviews and problem reports beside the listing.
"""

from django.contrib import admin

from centers.models import Insurer, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "category"]
    list_filter = ["category"]
    search_fields = ["code", "label"]

    def get_object(self, request, object_id, from_field=None):
        # The code is the primary key, so the URL's text reaches the query; PostgreSQL refuses a NUL byte (a 500).
        if "\x00" in object_id:
            return None  # the admin says no such service, as for any unknown code
        return super().get_object(request, object_id, from_field)


@admin.register(Insurer)
class InsurerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
