from django.db import migrations


def refresh_search_flags(apps, schema_editor):
    """Set the new age bits (38 to 41) on every facility: the same recomputation as refresh_search_flags."""
    from centers.search_flags import flags_for

    Facility = apps.get_model("centers", "Facility")
    codes = {}
    for facility_id, code in Facility.services.through.objects.values_list("facility_id", "service_id").iterator():
        codes.setdefault(facility_id, set()).add(code)
    changed = []
    for pk, stored in Facility.objects.values_list("pk", "search_flags").iterator():
        wanted = flags_for(codes.get(pk, ()))
        if stored != wanted:
            changed.append(Facility(pk=pk, search_flags=wanted))
    Facility.objects.bulk_update(changed, ["search_flags"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("centers", "0008_staff_models_moved_to_portal")]
    operations = [migrations.RunPython(refresh_search_flags, migrations.RunPython.noop)]
