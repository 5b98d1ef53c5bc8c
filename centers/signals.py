from django.apps import apps
from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import receiver

from centers.models import Availability, Facility, Insurer, SearchVersion, Service


@receiver(m2m_changed, sender=Facility.services.through)
def keep_search_flags_in_step(sender, instance, action, reverse, pk_set, **kwargs):
    """Every change to services through the ORM, from either side, recomputes the search bits it touches.

    The bulk writers (importer, demo data) set the bits themselves.
    """
    if not reverse:
        # facility.services.add/remove/set/clear: pk_set is services; the facility in memory gets the bits too.
        if action in ("post_add", "post_remove", "post_clear"):
            instance.refresh_search_flags()
        return
    # service.facilities.add/remove/set/clear: pk_set is facilities. simple-history's own handler
    # expects a Facility here and would crash on the Service, so it stands aside and each facility
    # gets its history entry below. A clear doesn't name the facilities, so note them first.
    if action.startswith("pre_"):
        instance.skip_history_when_saving = True
        if action == "pre_clear":
            instance._search_flag_facilities = list(instance.facilities.values_list("pk", flat=True))
        return
    facility_ids = instance._search_flag_facilities if action == "post_clear" else pk_set
    del instance.skip_history_when_saving
    Facility.objects.filter(pk__in=facility_ids).refresh_search_flags()
    verb = "added to" if action == "post_add" else "removed from"
    for facility in Facility.objects.filter(pk__in=facility_ids):
        facility._change_reason = f"Service {instance.code} {verb} this facility"
        facility.save(update_fields=["updated_at"])  # records the history entry, and only touches updated_at


@receiver(pre_delete, sender=Service)
def note_facilities_of_deleted_service(sender, instance, **kwargs):
    # Deleting a service deletes its links without m2m_changed; remember whose bits to recompute.
    instance._search_flag_facilities = list(instance.facilities.values_list("pk", flat=True))


@receiver(post_delete, sender=Service)
def refresh_search_flags_after_service_deleted(sender, instance, **kwargs):
    Facility.objects.filter(pk__in=instance._search_flag_facilities).refresh_search_flags()


@receiver(post_save, sender=Facility)
def keep_search_flags_after_whole_row_save(sender, instance, created, raw, update_fields, **kwargs):
    """A save of the whole row writes the bits this instance read, which may predate a services change
    made since (by another request, or through another instance); recompute them after it."""
    if raw or (created and not instance.search_flags):
        return  # a new facility has no services yet; fixtures are loaded as they are
    if update_fields is None or "search_flags" in update_fields:
        instance.refresh_search_flags()


@receiver(pre_save, sender=Facility)
@receiver(m2m_changed, sender=Facility.services.through)
@receiver(m2m_changed, sender=Facility.insurers.through)
def keep_the_version_written_in_bulk(sender, instance, action="pre_save", reverse=False, **kwargs):
    """Before the first change to an imported (or demo) facility, record it as imported, so the change can be undone."""
    if not reverse and not kwargs.get("raw") and action in ("pre_save", "pre_add", "pre_remove", "pre_clear"):
        instance.record_version_before_first_change()


# The search cache (centers/search_cache.py): any write that can change what a search shows gives the search
# version a new token, so no one is served a page from before it. Bulk writers, which send no signals (the
# importer, demo data, refresh_search_flags, add_service_links), bump it themselves.


@receiver(post_save, sender=Facility)
@receiver(post_delete, sender=Facility)
@receiver(post_save, sender=Availability)
@receiver(post_delete, sender=Availability)
@receiver(post_save, sender=Service)
@receiver(post_delete, sender=Service)
@receiver(post_save, sender=Insurer)  # the insurers a family can choose from
@receiver(post_delete, sender=Insurer)  # and their links, deleted without m2m_changed
@receiver(m2m_changed, sender=Facility.services.through)
@receiver(m2m_changed, sender=Facility.insurers.through)
def searches_change(sender, using, action="post_", **kwargs):
    if action.startswith("post_"):
        SearchVersion.objects.bump(using=using)


@receiver(post_migrate)
def searches_change_after_migrating(sender, using, **kwargs):
    # A data migration writes without signals. Once per migrate, after the centers app's own migrations, unless
    # they were just unapplied back before the version's table.
    if sender is apps.get_app_config("centers"):
        if SearchVersion._meta.db_table in connections[using].introspection.table_names():
            SearchVersion.objects.bump(using=using)
