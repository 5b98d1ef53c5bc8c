from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data (HSDS)"
    default_auto_field = "django.db.models.BigAutoField"
