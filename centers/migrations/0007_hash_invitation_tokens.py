"""Keep only a hash of each invitation token. Outstanding invitations keep working: their tokens are hashed,
so the links already emailed still open. (Going back gives every invitation a new token: old links stop.)"""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    Invitation = apps.get_model("centers", "Invitation")
    for invitation in Invitation.objects.only("pk", "token"):
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.save(update_fields=["token_hash"])


def new_tokens(apps, schema_editor):
    Invitation = apps.get_model("centers", "Invitation")
    for invitation in Invitation.objects.only("pk"):
        invitation.token = secrets.token_urlsafe(32)
        invitation.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0006_stable_search_flag_bits"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        # Loosened first, so that going back can add the column again before new tokens fill it.
        migrations.AlterField(
            model_name="invitation",
            name="token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.RemoveField(
            model_name="invitation",
            name="token",
        ),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
