"""Signing in, and accepting an invitation to keep a listing up to date."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.db import transaction

from portal.models import Invitation


class AcceptInvitationForm(UserCreationForm):
    """Choose a username and password to join a facility; the password passes Django's validators."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
        labels = {"username": "Username"}
        help_texts = {"username": "You'll log in with this. Your email address works well."}

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.label_suffix = ""
        self.instance.email = invitation.email  # so the password can't be too similar to it
        self.fields["username"].initial = invitation.email
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password1"].label = "Password"
        self.fields[
            "password1"
        ].help_text = (
            "At least 8 characters. Not a common password, not only numbers, and not like your username or email."
        )
        self.fields["password2"].label = "Password again"
        self.fields["password2"].help_text = "Type the same password, to catch typos."

    def validate_password_for_user(self, user, password_field_name="password1"):
        # The validators' advice belongs next to the password, not next to its repeat.
        super().validate_password_for_user(user, password_field_name)

    @transaction.atomic
    def save(self, commit=True):
        user = super().save()
        self.invitation.accept(user)
        return user


def invitation_situation(invitation: Invitation, user) -> str:
    """How this person can take up the invitation.

    "new-account" (choose a username and password), "join" (logged in with the invited email),
    "log-in-first" (an account has that email) or "other-account" (logged in as someone else).
    """
    if user.is_authenticated:
        invited = bool(user.email) and user.email.lower() == invitation.email.lower()
        return "join" if invited else "other-account"
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return "log-in-first"
    return "new-account"


class StaffLoginForm(AuthenticationForm):
    """Django's login form, with labels written like the rest of Finder (no trailing colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
