from django.contrib import admin

from centers.models import Facility, Insurer, Service


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


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "name2", "city", "state", "zip_code", "status", "is_listed", "source", "last_verified_at"]
    list_filter = ["state", "status", "is_listed", "source", "facility_type"]
    search_fields = ["name", "name2", "city", "zip_code", "source_id"]
    readonly_fields = ["slug", "source", "source_id", "imported_at", "imported_values", "created_at", "updated_at"]
    filter_horizontal = ["services", "insurers"]
    fieldsets = [
        (None, {"fields": ["name", "name2", "status", "is_listed", "facility_type", "operator", "description"]}),
        ("Contact", {"fields": ["intake_phone", "phone", "hotline", "website"]}),
        ("Address", {"fields": ["street1", "street2", "city", "state", "zip_code", "county", "latitude", "longitude"]}),
        ("Services", {"fields": ["services", "insurers"]}),
        ("Verification", {"fields": ["last_verified_at"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": ["slug", "source", "source_id", "imported_at", "imported_values", "created_at", "updated_at"],
            },
        ),
    ]
