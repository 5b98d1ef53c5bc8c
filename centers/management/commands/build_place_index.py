from django.core.management.base import BaseCommand, CommandError

from centers import geo


class Command(BaseCommand):
    help = (
        "Build the ZIP gazetteer's place index file (settings.FINDER_PLACE_INDEX) now, e.g. when building an image "
        "that runs read-only. Any process also builds it by itself when it is missing or stale."
    )

    def handle(self, *args, **options):
        try:
            path = geo.build_place_index()
        except OSError as error:
            raise CommandError(f"Could not write the place index: {error}") from None
        if path is None:
            raise CommandError("FINDER_PLACE_INDEX is empty: the place index is kept in memory only, so not built.")
        self.stdout.write(f"Place index written to {path} ({path.stat().st_size / 1e6:.1f} MB).")
