from django.core.management.base import BaseCommand, CommandError

from centers.models import Facility
from portal.demo import create_demo_accounts


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts (steward, admissions, helpline). Only while demo data is loaded."

    def handle(self, **options):
        if not Facility.objects.demo().exists():
            raise CommandError("No demo facilities: demo accounts are only for the demo directory (load_demo).")
        self.stdout.write("Demo accounts (for the fictional demo data only):")
        for username, password, description in create_demo_accounts():
            self.stdout.write(f"  {username} / {password}  ({description})")
