from django.db import migrations, models
from django.db.models import Count, Min

KEY = ["searched_on", "surface", "state", "latitude", "longitude", "radius", "level_of_care"]


def fold_into_counts(apps, schema_editor):
    """One row per day, place, surface, distance and type of care, counting the rows it replaces."""
    SearchGap = apps.get_model("helpline", "SearchGap")
    repeated = SearchGap.objects.values(*KEY).annotate(rows=Count("pk"), first=Min("pk")).filter(rows__gt=1)
    for group in repeated.order_by():
        key = {name: group[name] for name in KEY}
        SearchGap.objects.filter(pk=group["first"]).update(searches=group["rows"])
        SearchGap.objects.filter(**key).exclude(pk=group["first"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("helpline", "0002_helpline_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchgap",
            name="searches",
            field=models.PositiveIntegerField(default=1, help_text="How many searches found nothing here that day."),
        ),
        migrations.RunPython(fold_into_counts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="searchgap",
            constraint=models.UniqueConstraint(
                fields=("searched_on", "surface", "state", "latitude", "longitude", "radius", "level_of_care"),
                name="gap_one_row_per_day_and_cell",
            ),
        ),
    ]
