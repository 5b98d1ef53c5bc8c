from django.db import migrations


def refresh_search_flags(apps, schema_editor):
    """Clear the retired bits 22, 23 and 27 (teens, young adults, seniors moved to the Age filter)."""
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
    dependencies = [("centers", "0009_age_search_bits")]
    operations = [migrations.RunPython(refresh_search_flags, migrations.RunPython.noop)]
