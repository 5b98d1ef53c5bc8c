"""What a newcomer reads and types first: `make run` and the README's demo accounts."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}


def run_commands(*args, **env) -> str:
    """What `make run` would do (dry run: nothing is executed)."""
    environment = {name: value for name, value in os.environ.items() if name != "PORT"}  # the default, unless given
    environment.update(env)
    return subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_run_serves_on_port_8000_by_default():
    assert "runserver 127.0.0.1:8000" in run_commands()


@needs_make
def test_make_run_honours_a_port_variable_from_the_command_line_or_the_environment():
    assert "runserver 127.0.0.1:8123" in run_commands("PORT=8123")
    assert "runserver 127.0.0.1:8124" in run_commands(PORT="8124")


def readme_demo_accounts() -> tuple[str, list[list[str]]]:
    """The README's "Demo accounts" section: its text, and its table's rows as cells without backticks."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]
    return section, rows


def test_the_readme_lists_every_demo_account_with_its_password_and_counts_them_right():
    from centers.demo import DEMO_ACCOUNTS

    text, rows = readme_demo_accounts()
    assert {row[0]: row[1] for row in rows} == {name: password for name, (password, _) in DEMO_ACCOUNTS.items()}
    counted = re.search(r"creates (\w+) accounts", text).group(1)
    assert NUMBER_WORDS[counted] == len(DEMO_ACCOUNTS) == len(rows)


@pytest.mark.django_db
def test_each_demo_account_lands_where_the_readme_says(client):
    from centers.vocabulary import Source
    from portal.demo import create_demo_accounts
    from tests.conftest import make_facility

    make_facility(name="Demo IOP", codes=["OIT"], source=Source.DEMO, source_id="demo-iop")
    create_demo_accounts()
    for username, password, *_, lands_in in readme_demo_accounts()[1]:
        path = re.search(r"(/[\w/-]*)", lands_in).group(1)
        response = client.post(reverse("portal:login"), {"username": username, "password": password})
        assert response.status_code == 302 and response["Location"] == path, username
        client.post(reverse("portal:logout"))
