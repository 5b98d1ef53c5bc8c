"""Delete referral notes older than the retention period. Run it daily (cron, a systemd timer, or similar)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from helpline.models import Referral


class Command(BaseCommand):
    help = "Blank the notes of referrals logged more than FINDER_REFERRAL_NOTE_RETENTION_DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep notes this many days instead (default {settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS}).",
        )

    def handle(self, *args, days, **options):
        days = settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        # update() rather than save(): only the note changes, and nothing else about the referral is touched.
        count = Referral.objects.notes_older_than(days).update(note="", note_purged_at=timezone.now())
        self.stdout.write(f"Deleted the notes of {count} referral{'' if count == 1 else 's'} older than {days} days.")
