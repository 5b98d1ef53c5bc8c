from django.core.management.base import BaseCommand

from centers.demo import remove_demo_accounts
from centers.models import Facility


class Command(BaseCommand):
    help = "Delete the fictional demo facilities (and only them)."

    def handle(self, **options):
        demo = Facility.objects.demo()
        count = demo.count()
        demo.delete()
        remove_demo_accounts()
        self.stdout.write(self.style.SUCCESS(f"Removed {count:,} demo facilities."))
