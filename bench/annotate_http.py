#!/usr/bin/env python
"""Annotation speed as a client sees it: HTTP on loopback to gunicorn, a new connection per request.

    .venv/bin/python bench/annotate_http.py [--requests 300]

Prints p50/p95 for the article page (full HTML) with 300 annotations and with none, the SQL
queries each takes, and p50/p95 for creating one annotation (htmx POST, fragments back).
"""

import argparse
import http.client
import re
import time
from urllib.parse import urlencode, urlsplit

import served
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

REVISION = re.compile(rb'name="revision" value="([0-9]+)"')


def timed_requests(base: str, count: int, request) -> list[float]:
    host = urlsplit(base)
    times = []
    for i in range(count):
        started = time.perf_counter()
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)  # a new connection each time
        status, body = request(conn, i)
        conn.close()
        times.append((time.perf_counter() - started) * 1000)
        assert status in (200, 201), (status, body[:300])
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label}: p50 {served.percentile(times, 0.5):.1f} ms, p95 {served.percentile(times, 0.95):.1f} ms "
          f"({len(times)} requests)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    with served.scratch_database() as db:
        user = served.editor()
        busy = served.make_annotated_article(user, 300, title="Háromszáz jelölés")
        empty = served.make_annotated_article(user, 0, title="Nincs jelölés")
        cookie = served.session_cookie(user)
        csrf = get_random_string(32)  # letters and digits, as Django expects of a CSRF token
        headers = {"Cookie": f"sessionid={cookie}; csrftoken={csrf}"}

        client = Client()
        client.force_login(user)
        for article in (empty, busy):
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/articles/{article.pk}/")
            count = article.annotations.count()
            print(f"article page, {count} annotations: {len(queries)} SQL queries, {len(article.body)} characters")

        spans = served.word_spans(empty.body)

        def page(article):
            def get(conn, i):
                conn.request("GET", f"/articles/{article.pk}/", headers=headers)
                response = conn.getresponse()
                return response.status, response.read()

            return get

        # As the page does: send the revision of the annotations it shows, and keep the one each
        # answer brings, so the server answers with what changed rather than everything.
        shown = {}

        def create(conn, i):
            start, end = spans[i % len(spans)]
            body = urlencode({"kind": "entity", "start": start, "end": end, "exact": empty.body[start:end], **shown})
            conn.request(
                "POST",
                f"/articles/{empty.pk}/annotations/",
                body=body,
                headers={**headers, "HX-Request": "true", "X-CSRFToken": csrf,
                         "Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            response = conn.getresponse()
            content = response.read()
            shown["revision"] = REVISION.search(content)[1].decode()
            return response.status, content

        with served.gunicorn(db) as base:
            timed_requests(base, 20, page(busy))  # warm up both workers
            report("article page, 300 annotations", timed_requests(base, args.requests, page(busy)))
            report("article page, 0 annotations", timed_requests(base, args.requests, page(empty)))
            _, empty_page = page(empty)(http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port), 0)
            shown["revision"] = REVISION.search(empty_page)[1].decode()
            report("create one annotation (htmx POST)", timed_requests(base, args.requests, create))
            host = urlsplit(base)
            _, fragments = create(http.client.HTTPConnection(host.hostname, host.port), 7)
            _, full_page = page(busy)(http.client.HTTPConnection(host.hostname, host.port), 0)
            print(f"create answers {len(fragments):,} bytes of fragments; the full page is {len(full_page):,} bytes")


if __name__ == "__main__":
    main()
