"""The daily mix of a case worker, for `locust` against `jisr serve` (a benchmark, not a test).

Each simulated user logs in through the login form with one of the generated case-worker accounts
(bench/load/users.json, written by generate.py; one account per simulated user, so per-user rate
limits such as the name-search limit are those of a real person), then repeats, with 0.5–2.5 s of
thinking between requests: the dashboard, the list of people (page by page), a search by name (POST,
names never go in a URL), a case page, a note added to a case, and a follow-up scheduled through the
care page's form. POSTs are timed without following the 303 (the redirect target is timed as its
own page). Run through bench/load/run.sh.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, task

HERE = Path(__file__).resolve().parent
_ACCOUNTS = json.loads((HERE / "users.json").read_text())
_NEXT = itertools.count()
_LOGGED_IN = itertools.count(1)
_GO: list[float] = []  # when the measured part starts (set once all users are logged in)
_RESET: list[bool] = []
SETTLE = 5.0
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CASE = re.compile(r'href="/cases/([0-9a-f-]{36})/"')

# Generated names (as in generate.py): searches hit about as many people as a real name would.
_GIVEN = [
    "Fatima",
    "Khadija",
    "Aicha",
    "Meryem",
    "Zineb",
    "Sara",
    "Nadia",
    "Souad",
    "Leila",
    "Hanane",
    "فاطمة",
    "خديجة",
    "مريم",
    "زينب",
    "سارة",
]
_FAMILY = [
    "Benali",
    "Alaoui",
    "Idrissi",
    "Bennani",
    "Tazi",
    "Fassi",
    "Berrada",
    "Cherkaoui",
    "بنعلي",
    "العلوي",
    "الإدريسي",
    "بناني",
]


# Thinking time between two requests of one user, in seconds: "min,max" (default 0.5–2.5 s, a user
# clicking as fast as the pages come; a case worker reading a case and typing a note is slower).
_THINK = tuple(float(x) for x in os.environ.get("JISR_THINK", "0.5,2.5").split(","))


class CaseWorker(HttpUser):
    wait_time = between(*_THINK)

    def on_start(self) -> None:
        accounts = _ACCOUNTS["users"]
        self.username = accounts[next(_NEXT) % len(accounts)]
        page = self.client.get("/login/", name="login form")
        token = _CSRF.search(page.text)
        r = self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": _ACCOUNTS["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="login",
            allow_redirects=False,
        )
        if r.status_code != 302:
            raise RuntimeError(f"login failed for {self.username}: {r.status_code}")
        self.cases: list[str] = []
        self.token = ""
        if next(_LOGGED_IN) == self.environment.runner.target_user_count:
            # Argon2 logins of 50 users at once saturate the two cores: measure the day's work after them.
            # Everyone waits until SETTLE seconds after the last login, then the statistics are reset:
            # no request issued during the logins is counted.
            _GO.append(time.monotonic() + SETTLE)
        while not _GO or time.monotonic() < _GO[0]:
            gevent.sleep(0.1)
        if not _RESET:
            _RESET.append(True)
            stats = self.environment.stats
            login = stats.get("login", "POST")
            print(
                f"all logged in: login p50 {login.get_response_time_percentile(0.5)} ms, "
                f"p95 {login.get_response_time_percentile(0.95)} ms; statistics reset",
                flush=True,
            )
            stats.reset_all()
        # Real users do not all click at the same instant: each starts after its own thinking time.
        gevent.sleep(random.uniform(*_THINK))
        self.dashboard()

    def _remember(self, text: str) -> None:
        if m := _CSRF.search(text):
            self.token = m.group(1)
        found = _CASE.findall(text)
        if found:
            self.cases = list(dict.fromkeys(found + self.cases))[:200]

    @task(3)
    def dashboard(self) -> None:
        r = self.client.get("/", name="dashboard")
        self._remember(r.text)

    @task(2)
    def case_list(self) -> None:
        r = self.client.get(f"/persons/?page={random.randint(1, 60)}", name="case list (/persons/)")
        self._remember(r.text)

    @task(2)
    def search(self) -> None:
        name = f"{random.choice(_GIVEN)} {random.choice(_FAMILY)}"
        with self.client.post(
            "/persons/",
            data={"name": name, "csrfmiddlewaretoken": self.token},
            name="search by name",
            catch_response=True,
        ) as r:
            if "Too many searches" in r.text:
                r.failure("rate limited")
            else:
                self._remember(r.text)

    @task(4)
    def case_page(self) -> None:
        if self.cases:
            self._remember(self.client.get(f"/cases/{random.choice(self.cases)}/", name="case page").text)

    @task(1)
    def note(self) -> None:
        if self.cases:
            self.client.post(
                f"/cases/{random.choice(self.cases)}/notes/",
                data={"body": "Generated note: phone call, next visit agreed.", "csrfmiddlewaretoken": self.token},
                name="add note",
                allow_redirects=False,
            )

    @task(1)
    def follow_up(self) -> None:
        if not self.cases:
            return
        case = random.choice(self.cases)
        r = self.client.get(f"/cases/{case}/care/?tab=followups", name="care page")
        self._remember(r.text)
        due = (dt.date.today() + dt.timedelta(days=random.randint(1, 20))).isoformat()
        self.client.post(
            f"/cases/{case}/care/follow-ups/",
            data={"kind": "call", "due_on": due, "notes": "Generated follow-up.", "csrfmiddlewaretoken": self.token},
            name="schedule follow-up",
            allow_redirects=False,
        )
