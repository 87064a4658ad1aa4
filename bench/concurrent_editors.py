#!/usr/bin/env python
"""Many editors at once: 20 simulated editors, each with its own session, for 60 s against gunicorn.

    .venv/bin/python bench/concurrent_editors.py [--editors 20] [--seconds 60] [--workers 4]

Each editor works on the same five articles as the page does: it loads an annotation's editor
(which brings its version), changes it, deletes it, creates new ones, and asks every 3 s whether
the article changed (the page's freshness check). A few "hot" annotations are edited by everyone,
so that edits collide. The editors are Admins, who may change anyone's annotation.

Afterwards it checks that every acknowledged write is in the database and in the history, that
every refused one was answered 409, that no request failed with a 500, and that PostgreSQL saw
no deadlock (pg_stat_database.deadlocks), and prints throughput and p50/p95 per operation, and
the cost of the freshness check per open page.
"""

import argparse
import http.client
import random
import re
import threading
import time
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

import served
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from annotations.models import Annotation
from history.models import AnnotationEvent

EDITOR_ID = re.compile(rb'data-annotation="([0-9]+)"')
VERSION = re.compile(rb'name="version" value="([0-9]+)"')
REVISION = re.compile(rb'name="revision" value="([0-9]+)"')
PRESENT = re.compile(rb'name="present" value="([^"]*)"')
VERDICTS = ["true", "mostly_true", "half_true", "misleading", "false", "unverifiable"]
POLL_SECONDS = 3


class Editor(threading.Thread):
    def __init__(self, number: int, user: User, cookie: str, base: str, articles, hot: list[int], until: float):
        super().__init__(daemon=True)
        self.number, self.user, self.base = number, user, base
        self.articles, self.hot, self.until = articles, hot, until
        self.csrf = get_random_string(32)
        self.headers = {"Cookie": f"sessionid={cookie}; csrftoken={self.csrf}", "HX-Request": "true"}
        self.random = random.Random(number)
        self.times = defaultdict(list)  # operation -> milliseconds
        self.statuses = defaultdict(lambda: defaultdict(int))  # operation -> status -> count
        self.acknowledged = []  # (operation, annotation id, token)
        self.revisions = {}  # article id -> the revision the "page" shows
        self.mine = []  # annotations this editor created and may come back to
        self.sequence = 0

    def request(self, operation: str, method: str, path: str, data: dict | None = None) -> tuple[int, bytes]:
        host = urlsplit(self.base)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        headers = dict(self.headers)
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers |= {"X-CSRFToken": self.csrf, "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        self.times[operation].append((time.perf_counter() - started) * 1000)
        self.statuses[operation][response.status] += 1
        conn.close()
        return response.status, content

    def token(self) -> str:
        self.sequence += 1
        return f"editor {self.number} write {self.sequence}"

    def run(self) -> None:
        last_poll = 0.0
        while time.monotonic() < self.until:
            article = self.random.choice(self.articles)
            if time.monotonic() - last_poll >= POLL_SECONDS:
                last_poll = time.monotonic()
                self.poll(article)
            roll = self.random.random()
            if roll < 0.35:
                self.create(article)
            elif roll < 0.80:
                self.change(self.pick())
            elif self.mine:
                # Only their own new ones: the hot annotations stay, to be edited by everyone all along.
                self.delete(self.random.choice(self.mine))
            time.sleep(self.random.uniform(0.05, 0.4))  # a person's pause, shortened

    def pick(self) -> int:
        if self.mine and self.random.random() < 0.5:
            return self.random.choice(self.mine)
        return self.random.choice(self.hot)

    def poll(self, article) -> None:
        revision = self.revisions.get(article.pk, "")
        status, content = self.request("freshness check", "GET", f"/articles/{article.pk}/fresh/?revision={revision}")
        if status == 200 and (found := REVISION.search(content)):
            self.revisions[article.pk] = found[1].decode()

    def create(self, article) -> None:
        start, end = self.random.choice(article.spans)
        kind = self.random.choice(["claim", "entity", "quote", "source"])
        data = {"kind": kind, "start": start, "end": end, "exact": article.body[start:end]}
        status, content = self.request("create", "POST", f"/articles/{article.pk}/annotations/", data)
        if status == 201:
            pk = int(EDITOR_ID.search(content)[1])
            self.acknowledged.append(("create", pk, ""))
            self.mine.append(pk)

    def load(self, pk: int) -> tuple[int, bytes] | None:
        status, content = self.request("open editor", "GET", f"/annotations/{pk}/")
        return (int(VERSION.search(content)[1]), content) if status == 200 else None

    def change(self, pk: int) -> None:
        loaded = self.load(pk)
        if loaded is None:
            return
        version, form = loaded
        time.sleep(self.random.uniform(0.0, 0.3))  # reading and typing, while others may change it
        token = self.token()
        data = {"version": version, "note": token, "entity_query": "", "evidence": ""}
        if b'name="verdict"' in form:
            data["verdict"] = self.random.choice(VERDICTS)
        if b'name="quote_type"' in form:
            data["quote_type"] = "direct"
        status, _ = self.request("change", "POST", f"/annotations/{pk}/", data)
        if status == 200:
            self.acknowledged.append(("change", pk, token))

    def delete(self, pk: int) -> None:
        loaded = self.load(pk)
        if loaded is None:
            return
        status, _ = self.request("delete", "POST", f"/annotations/{pk}/delete/", {"version": loaded[0]})
        if status == 200:
            self.acknowledged.append(("delete", pk, ""))
            if pk in self.mine:
                self.mine.remove(pk)


def deadlocks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def verify(editors: list[Editor]) -> list[str]:
    """What is wrong with the database and the history after the run (empty: nothing)."""
    problems = []
    events = defaultdict(list)
    rows = AnnotationEvent.objects.order_by("pgh_id").values("pgh_id", "pgh_obj_id", "pgh_label", "note", "pgh_user")
    for event in rows:
        events[event["pgh_obj_id"]].append(event)
    stored = dict(Annotation.objects.values_list("pk", "note"))
    for editor in editors:
        for operation, pk, token in editor.acknowledged:
            mine = [e for e in events[pk] if e["pgh_user"] == editor.user.pk]
            if operation == "create":
                recorded = [e for e in mine if e["pgh_label"] == "created"]
                deleted_later = any(e["pgh_label"] == "deleted" for e in events[pk])
                if not recorded:
                    problems.append(f"create of {pk} by {editor.user} acknowledged but not in the history")
                if pk not in stored and not deleted_later:
                    problems.append(f"create of {pk} acknowledged but not in the database")
            elif operation == "change":
                recorded = [e for e in mine if e["pgh_label"] == "changed" and e["note"] == token]
                if not recorded:
                    problems.append(f"change {token!r} of {pk} acknowledged but not in the history")
                    continue
                later = [e for e in events[pk] if e["pgh_id"] > recorded[0]["pgh_id"]]
                if not later and stored.get(pk) != token:
                    problems.append(f"change {token!r} of {pk} is the last recorded but not in the database")
            else:
                if not any(e["pgh_label"] == "deleted" for e in mine):
                    problems.append(f"delete of {pk} by {editor.user} acknowledged but not in the history")
                if pk in stored:  # nothing restores in this run
                    problems.append(f"delete of {pk} acknowledged but it is still in the database")
    for editor in editors:
        for operation, statuses in editor.statuses.items():
            for status, count in statuses.items():
                if status >= 500 or (status >= 400 and status not in (404, 409)):
                    problems.append(f"{count} × {status} for {operation}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with served.scratch_database() as db:
        admins = Group.objects.get(name="Admins")
        users = []
        for number in range(args.editors):
            user = User.objects.create_user(f"editor-{number:02d}", password=get_random_string(20))
            user.groups.add(admins)
            users.append(user)
        articles = [served.make_annotated_article(users[i % len(users)], 40, title=f"Cikk {i}") for i in range(5)]
        for article in articles:
            article.spans = served.word_spans(article.body)
        hot = list(Annotation.objects.filter(article__in=articles).order_by("pk").values_list("pk", flat=True)[:10])
        cookies = [served.session_cookie(user) for user in users]

        # The freshness check's SQL, as one page asks it.
        client = Client()
        client.force_login(users[0])
        client.get(f"/articles/{articles[0].pk}/")
        articles[0].refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/articles/{articles[0].pk}/fresh/", {"revision": articles[0].annotation_version})
        check_queries = len(queries)

        deadlocks_before = deadlocks()
        with served.gunicorn(db, workers=args.workers) as base:
            until = time.monotonic() + args.seconds
            editors = [
                Editor(i, user, cookie, base, articles, hot, until)
                for i, (user, cookie) in enumerate(zip(users, cookies, strict=True))
            ]
            started = time.perf_counter()
            for editor in editors:
                editor.start()
            for editor in editors:
                editor.join()
            elapsed = time.perf_counter() - started
            # The check of a page whose article did not change: what each open page costs while
            # nothing happens, the usual case (measured alone, after the run).
            time.sleep(11)  # the others' pages count as closed: who is present no longer changes
            idle = editors[0]
            idle.times.pop("idle check", None)
            article = articles[0]
            article.refresh_from_db()
            path = f"/articles/{article.pk}/fresh/?revision={article.annotation_version}"
            _, first = idle.request("idle check", "GET", path)
            present = PRESENT.search(first)
            path += "&" + urlencode({"present": present[1].decode() if present else ""})
            for _ in range(200):
                idle.request("idle check", "GET", path)
            idle_times = idle.times.pop("idle check")
            idle_statuses = dict(idle.statuses.pop("idle check"))
        deadlocks_after = deadlocks()

        times, statuses = defaultdict(list), defaultdict(lambda: defaultdict(int))
        for editor in editors:
            for operation, values in editor.times.items():
                times[operation] += values
            for operation, counts in editor.statuses.items():
                for status, count in counts.items():
                    statuses[operation][status] += count
        acknowledged = sum(len(editor.acknowledged) for editor in editors)
        print(f"{args.editors} editors, {elapsed:.0f} s, gunicorn --workers {args.workers}, five articles, "
              f"{len(hot)} annotations edited by everyone")  # fmt: skip
        requests = sum(len(v) for v in times.values())
        print(f"requests: {requests:,} ({requests / elapsed:.0f}/s); "
              f"acknowledged writes: {acknowledged:,} ({acknowledged / elapsed:.1f}/s)")  # fmt: skip
        for operation in ["create", "open editor", "change", "delete", "freshness check"]:
            values = times.get(operation, [])
            if not values:
                continue
            answered = ", ".join(f"{status}: {count}" for status, count in sorted(statuses[operation].items()))
            p50, p95 = served.percentile(values, 0.5), served.percentile(values, 0.95)
            print(f"  {operation:16} {len(values):6} ({len(values) / elapsed:5.1f}/s)  p50 {p50:6.1f} ms"
                  f"  p95 {p95:6.1f} ms   [{answered}]")  # fmt: skip
        p50, p95 = served.percentile(idle_times, 0.5), served.percentile(idle_times, 0.95)
        print(f"freshness check of an unchanged article, alone: {check_queries} SQL queries (session, user, "
              f"permissions, one statement), p50 {p50:.1f} ms, p95 {p95:.1f} ms {idle_statuses}; per open page, "
              f"one check every {POLL_SECONDS} s: about {p50 / POLL_SECONDS:.1f} ms of a server process per "
              f"second ({p50 / POLL_SECONDS / 10:.2f}% of one core; 100 open pages: "
              f"{p50 * 100 / POLL_SECONDS / 1000:.1f} cores at most, as the time includes the round trip)")  # fmt: skip
        print(f"deadlocks in PostgreSQL during the run: {deadlocks_after - deadlocks_before}")
        problems = verify(editors)
        refused = sum(statuses[op].get(409, 0) for op in ("change", "delete"))
        print(f"refused as stale (409): {refused}; every acknowledged write checked in the database and the history: "
              f"{'all there' if not problems else f'{len(problems)} problems'}")  # fmt: skip
        for problem in problems[:20]:
            print("  PROBLEM:", problem)
        if problems or deadlocks_after != deadlocks_before:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
