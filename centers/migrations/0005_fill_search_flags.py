from django.db import migrations


def fill_search_flags(apps, schema_editor):
    from centers.search_flags import flags_for

    Facility = apps.get_model("centers", "Facility")
    codes = {}
    for facility_id, code in Facility.services.through.objects.values_list("facility_id", "service_id"):
        codes.setdefault(facility_id, set()).add(code)
    changed = [Facility(pk=pk, search_flags=flags_for(facility_codes)) for pk, facility_codes in codes.items()]
    Facility.objects.bulk_update(changed, ["search_flags"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("centers", "0004_facility_search_flags")]
    operations = [migrations.RunPython(fill_search_flags, migrations.RunPython.noop)]
