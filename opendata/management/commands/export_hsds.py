from pathlib import Path

from django.core.management.base import BaseCommand

from opendata.package import write_package


class Command(BaseCommand):
    help = (
        "Write Finder's listed facilities as an HSDS 3.1 tabular data package (CSV files and datapackage.json) "
        "into DIR. Unlisted and closed facilities are not published."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder to write into (created if missing).")

    def handle(self, directory: Path, **options):
        counts = write_package(directory)
        for name, count in counts.items():
            self.stdout.write(f"  {name}: {count:,} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(counts)} tables and datapackage.json to {directory}"))
