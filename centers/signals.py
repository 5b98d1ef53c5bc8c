from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from centers.models import Facility


@receiver(m2m_changed, sender=Facility.services.through)
def keep_search_flags_in_step(sender, instance, action, reverse, **kwargs):
    """Every change to a facility's services through the ORM recomputes its search bits.

    Services are only ever changed from the facility's side (simple-history's m2m tracking
    doesn't support the reverse side either); the bulk writers set the bits themselves.
    """
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        Facility.objects.filter(pk=instance.pk).refresh_search_flags()
