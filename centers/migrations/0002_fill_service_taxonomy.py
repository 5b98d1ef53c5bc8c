from django.db import migrations


def fill_services(apps, schema_editor):
    from centers.taxonomy import KNOWN_SERVICES

    Service = apps.get_model("centers", "Service")
    Service.objects.bulk_create(
        [Service(code=code, category=category, label=label) for code, (category, label) in KNOWN_SERVICES.items()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_facility_directory")]
    operations = [migrations.RunPython(fill_services, migrations.RunPython.noop)]
