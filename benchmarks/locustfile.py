"""`make loadtest`'s traffic: families, helpline workers and admissions staff, for locust.

benchmarks/loadtest.py runs it headless against gunicorn; LOADTEST_PLAN names a JSON file with the
searches, pages and accounts to use (written by loadtest.py's set-up). Every response other than the
one expected, and every login that does not land where it should, counts as an error.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())
WAIT = [float(value) for value in os.environ.get("LOADTEST_WAIT", "0.5,2").split(",")]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DETAIL_LINK = re.compile(r'href="(/facility/\d+/[\w-]+/)')
SHORTLIST_BUTTON = re.compile(r'name="facility" value="(\d+)"')
NEXT_PAGE = re.compile(r'<a href="([^"]+)" rel="next">')
LEVEL_FORM = re.compile(r'name="level" value="([\w-]+)"')
SHORTLIST_LIMIT = 10  # helpline.shortlist.MAX_FACILITIES; cleared before it is reached
_accounts = {"helpline": itertools.count(), "admissions": itertools.count()}


def csrf_token(response) -> str:
    found = CSRF.search(response.text)
    if not found:
        raise RuntimeError(f"no CSRF token on {response.url}")
    return found.group(1)


class SignedIn(HttpUser):
    abstract = True
    role = ""

    def account(self) -> tuple[str, int | None]:
        accounts = PLAN["accounts"][self.role]
        return accounts[next(_accounts[self.role]) % len(accounts)]

    def log_in(self, username: str, lands_on: str) -> None:
        page = self.client.get("/staff/login/", name=f"{self.role}: login page")
        data = {"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": csrf_token(page)}
        with self.client.post("/staff/login/", data=data, name=f"{self.role}: log in", catch_response=True) as response:
            if lands_on not in response.url or "/login/" in response.url:
                response.failure(f"{username} landed on {response.url}, not {lands_on}")

    def post(self, path: str, data: dict, *, name: str, token_from: str):
        token = csrf_token(self.client.get(token_from, name=f"{name} (form)"))
        return self.client.post(path, data={**data, "csrfmiddlewaretoken": token}, name=name)


class Family(HttpUser):
    """Searches by ZIP or city with filters, opens a result, reads a guide page."""

    weight = 6
    wait_time = between(*WAIT)

    @task(6)
    def search_and_open_a_result(self):
        response = self.client.get("/?" + random.choice(PLAN["searches"]), name="family: search")
        next_page = NEXT_PAGE.search(response.text) if response.ok else None
        if next_page and random.random() < 0.3:  # a page number comes from a link, never a guess (that is a 400)
            response = self.client.get("/" + html.unescape(next_page.group(1)), name="family: search, next page")
        links = DETAIL_LINK.findall(response.text) if response.ok else []
        if links:
            self.client.get(random.choice(links), name="family: detail")

    @task(2)
    def detail(self):
        self.client.get(random.choice(PLAN["detail_paths"]), name="family: detail")

    @task(1)
    def guide(self):
        self.client.get(random.choice(PLAN["guide_paths"]), name="family: guide page")


class HelplineWorker(SignedIn):
    """Logs in, searches for a caller, shortlists facilities, reads the shortlist and the referral pages."""

    weight = 3
    wait_time = between(*WAIT)
    role = "helpline"

    def on_start(self):
        self.shortlisted = 0
        self.log_in(self.account()[0], "/helpline/")

    @task(5)
    def search_and_shortlist(self):
        response = self.client.get("/helpline/?" + random.choice(PLAN["searches"]), name="helpline: search")
        ids = SHORTLIST_BUTTON.findall(response.text) if response.ok else []
        if not ids:
            return
        if self.shortlisted >= SHORTLIST_LIMIT - 1:
            self.post(
                "/helpline/shortlist/clear/", {}, name="helpline: clear shortlist", token_from="/helpline/shortlist/"
            )
            self.shortlisted = 0
        token = csrf_token(response)
        data = {"facility": random.choice(ids), "next": "/helpline/shortlist/", "csrfmiddlewaretoken": token}
        self.client.post("/helpline/shortlist/add/", data=data, name="helpline: add to shortlist")
        self.shortlisted += 1

    @task(2)
    def shortlist(self):
        self.client.get("/helpline/shortlist/", name="helpline: shortlist")

    @task(1)
    def referrals(self):
        self.client.get("/helpline/referrals/", name="helpline: my referrals")
        self.client.get("/helpline/follow-ups/", name="helpline: follow-ups")


class AdmissionsStaff(SignedIn):
    """Logs in, opens their facility, taps a status or "still accurate" for a type of care."""

    weight = 1
    wait_time = between(*WAIT)
    role = "admissions"

    def on_start(self):
        username, self.facility = self.account()
        self.log_in(username, "/staff/")
        self.answered: set[str] = set()

    @task(3)
    def change_status(self):
        page = self.client.get(f"/staff/facility/{self.facility}/", name="staff: facility")
        levels = LEVEL_FORM.findall(page.text) if page.ok else []
        if not levels:
            return
        level = random.choice(levels)
        data = {"level": level, "status": random.choice(["accepting", "waitlist", "not-accepting"])}
        data["csrfmiddlewaretoken"] = csrf_token(page)
        self.client.post(f"/staff/facility/{self.facility}/availability/", data=data, name="staff: change status")
        self.answered.add(level)

    @task(2)
    def still_accurate(self):
        if not self.answered:
            return
        page = self.client.get(f"/staff/facility/{self.facility}/", name="staff: facility")
        data = {"level": random.choice(sorted(self.answered)), "confirm": "1", "csrfmiddlewaretoken": csrf_token(page)}
        self.client.post(f"/staff/facility/{self.facility}/availability/", data=data, name="staff: still accurate")

    @task(1)
    def home(self):
        self.client.get("/staff/", name="staff: home")
