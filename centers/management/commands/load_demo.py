import time

from django.core.management.base import BaseCommand

from centers.demo import load_demo
from centers.models import Facility


class Command(BaseCommand):
    help = "Generate the fictional demo directory (replaces earlier demo facilities; real ones are untouched)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2015)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any facility exists.")

    def handle(self, count, seed, if_empty, **options):
        if if_empty and Facility.objects.exists():
            self.stdout.write("Facilities already loaded; demo data not generated.")
            return
        started = time.perf_counter()
        created = load_demo(count=count, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {created:,} fictional demo facilities in {time.perf_counter() - started:.1f} s. "
                "Remove them with `manage.py remove_demo` (import_samhsa does it too)."
            )
        )
