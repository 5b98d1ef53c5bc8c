from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete
from django.dispatch import receiver

from portal.models import LoginSession, Membership, logout_everywhere


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        LoginSession.objects.create(user=user, session_key=request.session.session_key)


@receiver(post_delete, sender=Membership)
def end_sessions_of_removed_member(sender, instance, **kwargs):
    # Access granted through the membership must end now, not when the session expires.
    logout_everywhere(instance.user)
