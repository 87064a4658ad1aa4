#!/usr/bin/env python
"""The newsroom's memory at scale: the entity catalogue, entity pages and the desks over a full database.

    .venv/bin/python bench/memory.py [--requests 100]

Fills a scratch database with 10,000 entities (with aliases) and 100,000 annotations over
10,000 articles (one person named by 2,000 of them), serves it with gunicorn as deployed
(DEBUG off), and prints p50/p95 over loopback (a new connection per request) and the SQL
queries of each page: the entity list (first page, a search, a deep page, most mentioned),
the entity page with 2,000 annotations, and the quotes and claims desks where they exist.
"""

import argparse
import hashlib
import http.client
import random
import time
from urllib.parse import urlencode, urlsplit

import served
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from annotations.models import Annotation
from articles.models import Article
from entities.models import Entity
from entities.spelling import spelling_keys

SURNAMES = [
    "Kovács",
    "Szabó",
    "Tóth",
    "Varga",
    "Horváth",
    "Kiss",
    "Molnár",
    "Németh",
    "Farkas",
    "Balogh",
    "Papp",
    "Takács",
    "Juhász",
    "Lakatos",
    "Mészáros",
    "Oláh",
    "Simon",
    "Rácz",
    "Fekete",
    "Szilágyi",
]
GIVEN = [
    "Zsófia",
    "Gyula",
    "Ágnes",
    "Csaba",
    "Éva",
    "László",
    "Réka",
    "Ödön",
    "Tünde",
    "Dzsenifer",
    "Szergej",
    "Katalin",
    "Ferenc",
    "Ilona",
    "Bence",
    "Nóra",
    "Győző",
    "Júlia",
    "Attila",
    "Enikő",
]
KINDS = ["entity", "quote", "claim", "source"]
VERDICTS = list(Annotation.Verdict.values)


def fill(*, articles: int, entities: int, annotations: int, hot: int):
    """The busiest entity, and the editor who wrote everything."""
    rng = random.Random(7)
    author = served.editor()
    body = served.make_body()
    spans = served.word_spans(body)
    started = time.perf_counter()
    rows = []
    for i in range(articles):
        text = f"{body}\n\n{i}. cikk."
        published = f"{2020 + i % 6}-{1 + i % 12:02}-01"
        digest = hashlib.sha256(text.encode()).hexdigest()
        rows.append(
            Article(
                title=f"{i}. cikk", body=text, published_on=published, date_precision="month", content_sha256=digest
            )
        )
    article_rows = Article.objects.bulk_create(rows, batch_size=2000)
    rows = []
    for i in range(entities):
        name = f"{SURNAMES[i % 20]} {GIVEN[(i // 20) % 20]}" + (f" {i // 400}" if i >= 400 else "")
        aliases = [name.replace("Zs", "Zh").replace("Gy", "G"), f"{name.split()[1]} {name.split()[0]}"][: 1 + i % 2]
        rows.append(Entity(name=name, kind=["person", "organisation", "place", "other"][i % 7 % 4], aliases=aliases,
                           spelling_keys=spelling_keys(name, aliases)))  # fmt: skip
    kim = Entity(name="Kim Dzsongun", kind="person", aliases=["Kim Jong Un"])
    kim.spelling_keys = spelling_keys(kim.name, kim.aliases)
    entity_rows = Entity.objects.bulk_create([kim, *rows], batch_size=2000)
    per_article = annotations // articles
    batch = []
    for i in range(annotations):
        article = article_rows[i // per_article]
        start, end = spans[(i % per_article) * 7 % len(spans)][0], spans[(i % per_article) * 7 % len(spans) + 1][1]
        kind = KINDS[i % 4]
        entity = entity_rows[0] if i % (annotations // hot) == 0 else rng.choice(entity_rows[1:])
        annotation = Annotation(article=article, kind=kind, start=start, end=end, author=author, entity=entity)
        annotation.anchor(article.body)
        if kind == "claim":
            annotation.verdict = rng.choice(VERDICTS)
        batch.append(annotation)
        if len(batch) == 5000:
            Annotation.objects.bulk_create(batch)
            batch = []
    Annotation.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # Where autovacuum would have got to by the time a newsroom has this much: filling in
        # bulk rewrote each entity's row (its counts) some ten times in a few seconds.
        cursor.execute("VACUUM ANALYZE")
    print(f"filled: {Article.objects.count():,} articles, {Entity.objects.count():,} entities, "
          f"{Annotation.objects.count():,} annotations in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return Entity.objects.get(pk=kim.pk), author


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    with served.scratch_database() as db:
        kim, user = fill(articles=10_000, entities=10_000, annotations=100_000, hot=2_000)
        print(f"the busiest entity: {kim.annotation_count:,} annotations")
        cookie = served.session_cookie(user)
        some = Entity.objects.order_by("pk")[5000]
        pages = {
            "entity list, first page": reverse("entities:list"),
            "entity list, a search (a suffixed name)": reverse("entities:list") + "?" + urlencode({"q": "Kovácsnak"}),
            "entity list, page 150": reverse("entities:list") + "?page=150",
            "entity list, most mentioned": reverse("entities:list") + "?sort=mentions",
            "entity page, 2,000 annotations": kim.get_absolute_url(),
            f"entity page, {some.annotation_count} annotations": some.get_absolute_url(),
        }
        for name, label, params in [
            ("desks:quotes", "quotes desk, by speaker", {"speaker": kim.pk}),
            ("desks:claims", "claims desk, by verdict", {"verdict": "false"}),
        ]:
            try:
                pages[label] = reverse(name) + "?" + urlencode(params)
            except NoReverseMatch:
                print(f"{label}: not built yet")

        client = Client()
        client.force_login(user)
        for label, url in pages.items():
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            assert status == 200, (label, status)
            print(f"{label}: {len(queries)} SQL queries")

        with served.gunicorn(db) as base:
            host = urlsplit(base)

            def get(url):
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}"})
                response = conn.getresponse()
                response.read()
                conn.close()
                assert response.status == 200, (url, response.status)

            for url in pages.values():
                for _ in range(5):
                    get(url)  # warm both workers
            for label, url in pages.items():
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    get(url)
                    times.append((time.perf_counter() - started) * 1000)
                print(
                    f"{label}: p50 {served.percentile(times, 0.5):.1f} ms, p95 {served.percentile(times, 0.95):.1f} ms"
                )


if __name__ == "__main__":
    main()
