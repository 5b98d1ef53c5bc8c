"""What a facility offers and accepts: SAMHSA service codes and named insurers."""

from django.db import models

from centers.taxonomy import ServiceCategory, category_and_label


class Service(models.Model):
    """One SAMHSA service code (a column of the export), such as OIT or MD."""

    code = models.CharField(max_length=16, primary_key=True)
    category = models.CharField(max_length=32, choices=ServiceCategory.choices, default=ServiceCategory.OTHER)
    label = models.CharField(max_length=200, help_text="Plain words a family understands.")

    class Meta:
        ordering = ["category", "label"]

    def __str__(self):
        return f"{self.label} ({self.code})"

    @classmethod
    def create_missing(cls, codes) -> None:
        """Add any codes not yet known, labelled by the taxonomy (unknown codes are kept, never dropped)."""
        services = [cls(code, *category_and_label(code)) for code in codes]
        cls.objects.bulk_create(services, ignore_conflicts=True)


class Insurer(models.Model):
    """A named insurance plan, so families can ask "do they take *my* insurance"."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
