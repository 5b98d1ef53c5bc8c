from django.core.management.base import BaseCommand

from centers.models import Facility


class Command(BaseCommand):
    help = "Recompute every facility's search flags from its services (after a bulk write or a new search choice)."

    def handle(self, *args, **options):
        changed = Facility.objects.refresh_search_flags()
        total = Facility.objects.count()
        self.stdout.write(f"{changed} of {total} facilities had search flags out of step with their services; fixed.")
