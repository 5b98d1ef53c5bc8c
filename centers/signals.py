from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, pre_save
from django.dispatch import receiver

from centers.models import Facility, LoginSession, Membership, logout_everywhere


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        LoginSession.objects.create(user=user, session_key=request.session.session_key)


@receiver(post_delete, sender=Membership)
def end_sessions_of_removed_member(sender, instance, **kwargs):
    # Access granted through the membership must end now, not when the session expires.
    logout_everywhere(instance.user)


@receiver(m2m_changed, sender=Facility.services.through)
def keep_search_flags_in_step(sender, instance, action, reverse, **kwargs):
    """Every change to a facility's services through the ORM recomputes its search bits.

    Services are only ever changed from the facility's side (simple-history's m2m tracking
    doesn't support the reverse side either); the bulk writers set the bits themselves.
    """
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        Facility.objects.filter(pk=instance.pk).refresh_search_flags()


@receiver(pre_save, sender=Facility)
@receiver(m2m_changed, sender=Facility.services.through)
@receiver(m2m_changed, sender=Facility.insurers.through)
def keep_the_version_written_in_bulk(sender, instance, action="pre_save", reverse=False, **kwargs):
    """Before the first change to an imported (or demo) facility, record it as imported, so the change can be undone."""
    if not reverse and not kwargs.get("raw") and action in ("pre_save", "pre_add", "pre_remove", "pre_clear"):
        instance.record_version_before_first_change()
