#!/usr/bin/env python
"""The article list as an editor sees it: 10,000 imported articles, some annotated, served by gunicorn.

    .venv/bin/python bench/list_page.py [--files 10000] [--requests 300] [--corpus DIR]

Generates the corpus with ../shared/bench/make_corpus.py (unless --corpus names one), imports it
into a scratch database as `manage.py import_seeds` does, annotates a third of the articles (1 to
12 annotations each, every kind, claims with every verdict), then serves the app with gunicorn
(DEBUG off, as deployed) and times full-HTML GETs of the list, logged in as an editor, warm, a new
connection per request, the cases taken in turn: the first page and a deep one (reached by
following the "next" links, 150 pages in, or the last page if there are fewer) in each order, and
filtered lists. Prints p50/p95 and the SQL queries each takes.
"""

import argparse
import http.client
import random
import re
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import served
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
DEEP = 150  # pages in: 7,500 of 10,000 articles
LISTS = {
    "newest first": "",
    "most annotated first": "sort=annotated",
    "recently annotated first": "sort=recent",
    "has claims, newest first": "has=claim",
    "status new, most annotated": "status=new&sort=annotated",
}


def annotate(share: float = 1 / 3) -> int:
    """Annotations on a share of the articles, of every kind, claims with every verdict."""
    from annotations.models import Annotation, Verdict
    from articles.models import Article
    from entities.models import Entity

    rng = random.Random(7)
    user = served.User.objects.get(username="bench-editor")
    people = [Entity.objects.create(name=f"Személy {i}", kind="person") for i in range(20)]
    kinds = ["entity", "quote", "claim", "source"]
    verdicts = Verdict.values
    articles = list(Article.objects.only("id", "body", "status").order_by("id"))
    rows, count = [], 0
    for article in rng.sample(articles, int(len(articles) * share)):
        spans = served.word_spans(article.body)
        for i in range(rng.randint(1, 12)):
            start = spans[i * 5 % len(spans)][0]
            end = spans[i * 5 % len(spans)][1]
            kind = kinds[rng.randrange(4)]
            row = Annotation(article=article, kind=kind, start=start, end=end, author=user)
            row.entity = rng.choice(people) if kind in ("entity", "quote") else None
            if kind == "claim":
                row.verdict = rng.choice(verdicts)
            row.anchor(article.body)
            rows.append(row)
        if len(rows) > 2000:
            count += len(Annotation.objects.bulk_create(rows))
            rows = []
    count += len(Annotation.objects.bulk_create(rows))
    # Some progress to show: a tenth done, a tenth in progress.
    ids = [article.pk for article in articles]
    Article.objects.filter(pk__in=ids[::10]).update(status="done")
    Article.objects.filter(pk__in=ids[5::10]).update(status="in_progress")
    return count


def fetch(base: str, path: str, headers: dict) -> tuple[int, bytes]:
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)  # a new connection each time
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def deep_path(client: Client, query: str) -> str:
    """The address of the page DEEP pages in, by following the "next" links as a reader would."""
    path = f"/articles/?{query}"
    for _ in range(DEEP - 1):
        html = client.get(path).content.decode()
        found = NEXT.search(html)
        if not found:
            break
        path = "/articles/" + unescape(found[1])
    return path


def timed(base: str, path: str, headers: dict, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, body = fetch(base, path, headers)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, (status, body[:300])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--corpus", type=Path, help="an existing corpus directory to import instead")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch:
        corpus = args.corpus or Path(scratch, "corpus")
        if not args.corpus:
            subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), str(args.files)], check=True)
        run(corpus, args.requests)


def run(corpus: Path, requests: int) -> None:
    from articles.models import Article
    from imports.importing import import_seed_files, sources_from_paths

    with served.scratch_database() as db:
        report = import_seed_files(list(sources_from_paths([corpus])))
        user = served.editor()
        annotations = annotate()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"{Article.objects.count():,} articles ({report.errors} import errors), {annotations:,} annotations")
        client = Client()
        client.force_login(user)
        headers = {"Cookie": f"sessionid={served.session_cookie(user)}"}
        paths = {}
        for label, query in LISTS.items():
            paths[f"{label}, first page"] = f"/articles/?{query}"
            deep = deep_path(client, query)
            paths[f"{label}, page {re.search(r'page=([0-9]+)', deep)[1]}"] = deep
        for label, path in paths.items():
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(f"{label}: {len(queries)} SQL queries  ({path})")
        with served.gunicorn(db) as base:
            for path in paths.values():  # warm up both workers
                timed(base, path, headers, 30)
            # The cases in turn, one request each a round: a machine whose speed drifts while the
            # bench runs slows every case alike, not the ones that happen to run then.
            times = {label: [] for label in paths}
            for _ in range(requests):
                for label, path in paths.items():
                    times[label] += timed(base, path, headers, 1)
            for label, taken in times.items():
                print(f"{label}: p50 {served.percentile(taken, 0.5):.1f} ms, "
                      f"p95 {served.percentile(taken, 0.95):.1f} ms ({len(taken)} requests)")  # fmt: skip


if __name__ == "__main__":
    main()
