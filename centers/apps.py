from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = "Treatment facilities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from centers import checks, signals  # noqa: F401
