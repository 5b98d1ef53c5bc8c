import uuid

from django.db import migrations, models

# The same namespace and rule as Facility.stable_uuid(): a facility's open data id is derived from its key in
# its source, so re-importing the same directory into any database gives the same ids.
NAMESPACE = uuid.UUID("6f0f3c1e-5d7a-4b8e-9a51-2c0b1f7de3a4")


def give_every_facility_an_id(apps, schema_editor):
    Facility = apps.get_model("centers", "Facility")
    changed = []
    for pk, source, source_id in Facility.objects.values_list("pk", "source", "source_id").iterator(chunk_size=5000):
        value = uuid.uuid5(NAMESPACE, f"{source}:{source_id}") if source_id else uuid.uuid4()
        changed.append(Facility(pk=pk, uuid=value))
    Facility.objects.bulk_update(changed, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("centers", "0012_search_version")]

    operations = [
        migrations.AddField(
            model_name="facility", name="uuid", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(give_every_facility_an_id, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="facility",
            name="uuid",
            field=models.UUIDField("open data id", default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.AddField(
            model_name="historicalfacility",
            name="uuid",
            field=models.UUIDField("open data id", db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
