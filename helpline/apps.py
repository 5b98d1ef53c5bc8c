from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "helpline"
    verbose_name = "Helpline workspace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpline import signals  # noqa: F401
