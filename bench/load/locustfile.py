"""The load's users, for locust (driven headless by `python -m bench.load`).

`Reader`: what people and coordinators read — maps of an area, lists with filters, the
coordinator's matches (API and page), one match, the hub's search. `Writer`: an initiative
posts a goods need, a donor offers goods, a donor answers a match offered to them.

Each simulated client takes the next identity of the manifest (BENCH_LOAD_MANIFEST, written by
the driver) and waits BENCH_LOAD_WAIT seconds ("low,high", uniform) between requests. Every
answer other than the expected status counts as a failure, a 400 included. No Django here:
this module runs in locust's gevent process.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

with open(os.environ.get("BENCH_LOAD_MANIFEST", "/tmp/bench-load-manifest.json")) as f:
    MANIFEST = json.load(f)

_low, _high = (float(x) for x in os.environ.get("BENCH_LOAD_WAIT", "0.5,1.5").split(","))
_numbers = itertools.count()
CENTRE = MANIFEST["centre"]
# A few well-known searches of the directory, in the hub's languages.
HUB_WORDS = ("Beratung", "Deutschkurs", "Arzt", "Kita", "advice", "Wohnung", "")
JOB_HOURS = ("full_time", "part_time", "training", "mini_job")
# Places the offline gazetteer knows; a pin is not sent (one far from its address is refused).
ADDRESSES = (
    "04229 Leipzig",
    "Leipzig-Grünau",
    "04315 Leipzig",
    "Leipzig-Lindenau",
    "04109 Leipzig",
    "Leipzig-Gohlis",
    "04277 Leipzig",
)


def _near() -> tuple[float, float]:
    """A point in Leipzig, within about 6 km of the centre."""
    return CENTRE[0] + random.uniform(-0.05, 0.05), CENTRE[1] + random.uniform(-0.08, 0.08)


def _pick(people: list, number: int) -> dict:
    return people[number % len(people)]


class LoadUser(FastHttpUser):
    abstract = True
    wait_time = between(_low, _high)
    # One connection per simulated client, as a browser or an app keeps one.
    connection_timeout = 30
    network_timeout = 60

    def on_start(self) -> None:
        self.number = next(_numbers)

    def api(self, token: str) -> dict:
        return {"Authorization": f"Token {token}", "Accept": "application/json"}

    def get(self, url: str, name: str, headers: dict) -> None:
        # Not following redirects: a page answering with the sign-in page is an error.
        with self.client.get(
            url, name=name, headers=headers, catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]} {r.error or ''}")


class Reader(LoadUser):
    """Reads only; a third of the clients are coordinators, the rest donors."""

    def on_start(self) -> None:
        super().on_start()
        self.coordinator = _pick(MANIFEST["coordinators"], self.number)
        self.donor = _pick(MANIFEST["donors"], self.number)

    @task(4)
    def offers_map(self) -> None:
        lat, lon = _near()
        self.get(
            f"/api/v1/donation-offers/map/?lat={lat:.5f}&lon={lon:.5f}&within_km=2&page_size=500",
            "map: donation offers (2 km, ≤500)",
            self.api(self.donor["token"]),
        )

    @task(2)
    def needs_map(self) -> None:
        lat, lon = _near()
        self.get(
            f"/api/v1/goods-needs/map/?lat={lat:.5f}&lon={lon:.5f}&within_km=3&page_size=500",
            "map: goods needs (3 km, ≤500)",
            self.api(self.donor["token"]),
        )

    @task(3)
    def needs_list(self) -> None:
        lat, lon = _near()
        category = random.choice(MANIFEST["categories"])
        self.get(
            f"/api/v1/goods-needs/?status=open&lat={lat:.5f}&lon={lon:.5f}&within_km=10"
            f"&category={category}",
            "list: goods needs (category, 10 km)",
            self.api(self.donor["token"]),
        )

    @task(2)
    def offers_list(self) -> None:
        self.get(
            f"/api/v1/donation-offers/?status=open&category={random.choice(MANIFEST['categories'])}",
            "list: donation offers (category)",
            self.api(self.donor["token"]),
        )

    @task(2)
    def jobs_list(self) -> None:
        lat, lon = _near()
        self.get(
            f"/api/v1/jobs/?lat={lat:.5f}&lon={lon:.5f}&within_km=15",
            "list: jobs (15 km)",
            self.api(self.donor["token"]),
        )

    @task(2)
    def coordinator_matches(self) -> None:
        state = random.choice(("", "?state=offered", "?state=proposed"))
        self.get(
            f"/api/v1/matches/{state}",
            "matches: coordinator's list (API)",
            self.api(self.coordinator["token"]),
        )

    @task(1)
    def coordinator_page(self) -> None:
        page = random.choice(("", "?page=2", "?kind=goods"))
        self.get(
            f"/coordination/{page}",
            "matches: coordinator's review page (web)",
            {"Cookie": f"sessionid={self.coordinator['session']}"},
        )

    @task(2)
    def match_detail(self) -> None:
        pk = random.choice(MANIFEST["matches"])
        self.get(
            f"/api/v1/matches/{pk}/",
            "matches: one match (API)",
            self.api(self.coordinator["token"]),
        )

    @task(1)
    def match_page(self) -> None:
        pk = random.choice(MANIFEST["matches"])
        self.get(
            f"/matches/{pk}/",
            "matches: one match (web)",
            {"Cookie": f"sessionid={self.coordinator['session']}"},
        )

    @task(2)
    def hub_search(self) -> None:
        self.get(
            f"/directory/?q={random.choice(HUB_WORDS)}&near=Leipzig&within_km=10",
            "hub: directory search (web)",
            {},
        )

    @task(1)
    def hub_search_api(self) -> None:
        self.get(
            f"/api/v1/directory/services/?q={random.choice(HUB_WORDS)}",
            "hub: directory search (API)",
            {"Accept": "application/json"},
        )


class Writer(LoadUser):
    """Writes: each client is one initiative member and one donor of the manifest."""

    def on_start(self) -> None:
        super().on_start()
        self.member = _pick(MANIFEST["members"], self.number)
        self.donor = _pick(MANIFEST["donors"], self.number)
        # Matches waiting for this donor's answer (the driver runs no more writers than
        # donors, so no two clients answer the same match).
        self.to_answer = list(MANIFEST["to_answer"].get(str(self.donor["id"]), []))
        random.shuffle(self.to_answer)

    def post(self, url: str, name: str, token: str, body: dict, expect: int) -> None:
        headers = {**self.api(token), "Content-Type": "application/json"}
        with self.client.post(
            url, name=name, headers=headers, data=json.dumps(body), catch_response=True
        ) as r:
            if r.status_code != expect:
                r.failure(f"{r.status_code}: {(r.text or '')[:300]} {r.error or ''}")

    @task(2)
    def post_need(self) -> None:
        self.post(
            "/api/v1/goods-needs/",
            "write: post a goods need",
            self.member["token"],
            {
                "title": "Load test need",
                "category": random.choice(MANIFEST["categories"]),
                "quantity": random.randint(1, 20),
                "address": random.choice(ADDRESSES),
                "organisation": self.member["organisation"],
            },
            201,
        )

    @task(2)
    def offer_goods(self) -> None:
        self.post(
            "/api/v1/donation-offers/",
            "write: offer goods",
            self.donor["token"],
            {
                "title": "Load test offer",
                "category": random.choice(MANIFEST["categories"]),
                "quantity": random.randint(1, 5),
                "address": random.choice(ADDRESSES),
                "condition": "good",
            },
            201,
        )

    @task(1)
    def answer_match(self) -> None:
        if not self.to_answer:
            return
        pk = self.to_answer.pop()
        if random.random() < 0.5:
            url, name, body = f"/api/v1/matches/{pk}/accept/", "write: accept a match", {}
        else:
            url, name = f"/api/v1/matches/{pk}/decline/", "write: decline a match"
            body = {"reason": "load test"}
        self.post(url, name, self.donor["token"], body, 200)
