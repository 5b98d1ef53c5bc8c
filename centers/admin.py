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


@admin.register(Insurer)
class InsurerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
