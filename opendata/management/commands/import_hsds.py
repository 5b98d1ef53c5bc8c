from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.loading import import_package
from opendata.reading import PackageError


class Command(BaseCommand):
    help = (
        "Load an HSDS 3.1 tabular data package (a folder of CSV files, from any publisher) into the directory. "
        "Locations are matched by id; every problem is listed with its file and line, and then nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="The package's folder (its CSV files, datapackage.json).")

    def handle(self, directory: Path, **options):
        try:
            result = import_package(directory, progress=self.stdout.write)
        except PackageError as error:
            for message in error.messages:
                self.stderr.write(f"  {message}")
            raise CommandError(f"{len(error.messages)} problem(s) in {directory}; nothing was imported.") from None
        except OSError as error:
            raise CommandError(f"cannot read {directory}: {error.strerror or error}") from None
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created:,} new and {result.updated:,} updated facilities ({result.skipped:,} "
                f"locations skipped, {result.terms_kept:,} taxonomy terms of other publishers kept)."
            )
        )
