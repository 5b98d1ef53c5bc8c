from django.core.management.base import BaseCommand, CommandError

from centers.importers import ImportFileError, import_samhsa_file


class Command(BaseCommand):
    help = "Import or update facilities from FindTreatment.gov (SAMHSA) CSV export files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--keep-demo", action="store_true", help="Keep the fictional demo facilities (removed by default)."
        )
        parser.add_argument("--show", type=int, default=20, help="How many rejected rows and warnings to list.")

    def handle(self, files, keep_demo, show, **options):
        failed = False
        for path in files:
            self.stdout.write(f"Importing {path}")
            try:
                result = import_samhsa_file(path, remove_demo=not keep_demo, progress=self.stdout.write)
            except ImportFileError as error:
                self.stderr.write(self.style.ERROR(f"  Nothing imported from {path}: {error}"))
                failed = True
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"  {result.rows:,} rows: {result.created:,} created, {result.updated:,} updated, "
                    f"{result.unchanged:,} unchanged, {len(result.duplicates):,} duplicate rows skipped, "
                    f"{len(result.rejected):,} rejected"
                )
            )
            if result.kept_local_edits:
                self.stdout.write(f"  {result.kept_local_edits:,} locally edited values kept (not overwritten)")
            if result.rekeyed:
                self.stdout.write(
                    f"  {result.rekeyed:,} facilities at a shared address matched by content and re-keyed"
                )
            if result.not_in_file:
                self.stdout.write(
                    f"  {result.not_in_file:,} facilities from earlier imports are not in this file (left as they are)"
                )
            if result.demo_removed:
                self.stdout.write(f"  {result.demo_removed:,} demo facilities removed")
            if result.unknown_codes:
                self.stdout.write(f"  new service codes kept: {', '.join(sorted(result.unknown_codes))}")
            for title, rows in (
                ("Rejected", result.rejected),
                ("Warnings", result.warnings),
                ("Duplicates", result.duplicates),
            ):
                if rows:
                    self.stdout.write(f"  {title}:")
                    for line, reason in rows[:show]:
                        self.stdout.write(f"    line {line}: {reason}")
                    if len(rows) > show:
                        self.stdout.write(f"    ... and {len(rows) - show:,} more")
        if failed:
            raise CommandError("Some files could not be imported; see above.")
