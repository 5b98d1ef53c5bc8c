"""What an imported HSDS package holds that Finder's own models cannot: taxonomies and terms from other publishers.

Finder's own terms (SAMHSA codes, search choices) are derived from code and never stored. A term of any other
taxonomy is kept here with its publisher's id, linked to the facilities whose services or locations named it,
and published again in Finder's own export: an import never drops a term.
"""

from django.db import models


class Taxonomy(models.Model):
    """A taxonomy from an imported package (not one of Finder's two)."""

    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=500)
    description = models.TextField()
    uri = models.CharField(max_length=2000, blank=True)
    version = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    """A taxonomy term from an imported package, kept as its publisher wrote it."""

    id = models.UUIDField(primary_key=True)
    code = models.CharField(max_length=500, blank=True)
    name = models.CharField(max_length=500)
    description = models.TextField()
    # Plain ids, not foreign keys: the parent or taxonomy may be one of Finder's own (never stored) or absent.
    parent_id = models.UUIDField(null=True, blank=True)
    taxonomy = models.CharField(max_length=500, blank=True, help_text="The taxonomy's name, as the package gave it.")
    language = models.CharField(max_length=100, blank=True)
    taxonomy_id = models.UUIDField(null=True, blank=True)
    term_uri = models.CharField(max_length=2000, blank=True)

    def __str__(self):
        return f"{self.name} ({self.code})" if self.code else self.name


class TermLink(models.Model):
    """A kept term named by a facility's location (``level`` blank) or by its service for one level of care."""

    facility = models.ForeignKey("centers.Facility", on_delete=models.CASCADE, related_name="hsds_term_links")
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="links")
    level = models.CharField(max_length=32, blank=True, help_text="A level of care value, or blank for the location.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "term", "level"], name="opendata_one_link_per_term"),
        ]

    def __str__(self):
        return f"{self.facility_id} -> {self.term_id} ({self.level or 'location'})"
