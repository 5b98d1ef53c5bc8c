"""Production settings fail closed, and the README's production environment passes `check --deploy`."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Every variable these tests set or expect unset; the rest of the environment is left alone.
VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "EMAIL_BACKEND",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def production_settings(monkeypatch, **environment) -> dict:
    """finder/settings.py run afresh with only ``environment`` among VARIABLES (Django's own settings untouched)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "finder" / "settings.py"))


def test_without_a_secret_key_production_refuses_to_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        production_settings(monkeypatch, EMAIL_BACKEND=SMTP)


def test_the_committed_development_key_is_used_only_with_debug_on(monkeypatch):
    development = production_settings(monkeypatch, DEBUG="True")
    assert development["SECRET_KEY"].startswith("insecure-development-key")
    production = production_settings(monkeypatch, SECRET_KEY="k" * 20 + "ey-from-the-environment", EMAIL_BACKEND=SMTP)
    assert production["SECRET_KEY"] == "kkkkkkkkkkkkkkkkkkkkey-from-the-environment"


def test_production_refuses_the_console_email_backend_by_default(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_BACKEND"):
        production_settings(monkeypatch, SECRET_KEY="a-real-key")


def test_the_console_email_backend_is_allowed_when_chosen_explicitly_or_with_debug_on(monkeypatch):
    assert production_settings(monkeypatch, SECRET_KEY="a-real-key", EMAIL_BACKEND=CONSOLE)["EMAIL_BACKEND"] == CONSOLE
    assert production_settings(monkeypatch, DEBUG="True")["EMAIL_BACKEND"] == CONSOLE


def test_https_redirect_and_hsts_come_from_the_environment(monkeypatch):
    default = production_settings(monkeypatch, SECRET_KEY="a-real-key", EMAIL_BACKEND=SMTP)
    assert (default["SECURE_SSL_REDIRECT"], default["SECURE_HSTS_SECONDS"]) == (False, 0)

    configured = production_settings(
        monkeypatch,
        SECRET_KEY="a-real-key",
        EMAIL_BACKEND=SMTP,
        SECURE_SSL_REDIRECT="True",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="True",
        SECURE_HSTS_PRELOAD="True",
    )
    assert configured["SECURE_SSL_REDIRECT"] is True
    assert configured["SECURE_HSTS_SECONDS"] == 31536000
    assert configured["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert configured["SECURE_HSTS_PRELOAD"] is True


def readme_production_environment() -> dict[str, str]:
    """Run the README's "Deploying on PostgreSQL" `export` lines in a clean shell and return what they set."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deploying on PostgreSQL", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    exports = [line for line in block.splitlines() if line.startswith("export ")]
    assert len(exports) >= 5, f"Expected the README's export lines, found {exports}"
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    shell = subprocess.run(
        ["bash", "-c", "\n".join([*exports, "env -0"])], env=clean, capture_output=True, text=True, check=True
    )
    variables = dict(entry.split("=", 1) for entry in shell.stdout.split("\0") if entry)
    return {name: value for name, value in variables.items() if name not in clean and name not in ("PWD", "SHLVL", "_")}


def test_check_deploy_is_clean_with_the_readmes_production_environment():
    environment = readme_production_environment()
    assert "DEBUG" not in environment
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "finder.settings", **environment},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
