#!/usr/bin/env python
"""Search and list speed at 100,000 articles with 20 annotations each, served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench \\
        .venv/bin/python bench/search_scale.py [--articles 100000] [--requests 200] [--reuse | --fresh]

Loads (unless --reuse finds it already there) a corpus into the database DATABASE_URL names,
which is KEPT between runs (loading takes many minutes; --fresh drops and rebuilds it):

- articles: ../shared/bench/make_corpus.py's generated news with one paragraph of real NerKor
  sentences (train and devel splits only, ../shared/corpora/nerkor/) inserted into each, picked
  with Zipf-like weights, so there are words in most articles and names in only a handful;
  imported through the importer's fast path (imports.importing.import_seed_files, as
  `manage.py import_seeds` runs it);
- a catalogue of a few thousand entities: NerKor's gold names and make_corpus's people,
  outlets and places (entities.services.save_entities_in_bulk, as the catalogue import does);
- 20 annotations per article on average, all four kinds (entity mentions at NerKor's gold spans
  and at the generated names, quotes with their speakers, claims with verdicts, sources),
  computed here from each body and inserted set-based: COPY into a staging table, then
  INSERT … SELECT joined to the articles by content hash, 20,000 articles a statement. They
  bypass the annotations table's triggers (session_replication_role = replica): through them,
  2 million rows took minutes per 5,000 articles, mostly because bumping each article's
  annotation_version recomputes its stored search vector. What the triggers keep is filled
  instead where a measured page reads it: the entities' counts, recounted in one statement as
  their migration does; the span check, made on a 1% sample. Not filled: the history of these
  rows (nothing measured reads it) and annotation_version (left 0: only the article page, not
  measured here, uses it);
- a quarter of the articles in progress and a tenth done (status filter), past the articles'
  triggers too, so their tally (ArticleTally) is counted again after (its recount());
  then VACUUM ANALYZE.

Resumable: the importer skips articles already stored, and annotation rows already staged are
inserted without generating the corpus again; --reuse skips all of it once a load completed.

Then it serves the app with gunicorn (DEBUG off, --workers, default 3), logs in an editor,
warms up, and times --requests GETs per case, each on a new loopback connection: client time,
which includes HTTP and connection set-up on loopback, so an upper bound of server time. Prints
p50/p95 per case, and the EXPLAIN (ANALYZE, BUFFERS) plan of each case's main queries (captured
by running the same request through Django's test client), flagging any sequential scan of the
articles or annotations table.
"""

import argparse
import csv
import http.client
import importlib.util
import json
import random
import re
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
NERKOR = SHARED / "corpora" / "nerkor"
NERKOR_SPLITS = ("news-train", "news-devel")  # never the test split (NerKor's README)
SEED = 20261130
AUTHORS = 6
MARKER_TABLE = "bench_search_scale_corpus"

sys.path.insert(0, str(ROOT / "bench"))
import served  # noqa: E402  (sets Django up)
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from annotations.models import Annotation, QuoteType, Verdict  # noqa: E402
from articles.indexing import fill_search_index  # noqa: E402
from articles.models import Article, ArticleTally  # noqa: E402
from entities.models import Entity, EntityKind  # noqa: E402

NER_KINDS = {
    "PER": EntityKind.PERSON,
    "ORG": EntityKind.ORGANISATION,
    "LOC": EntityKind.PLACE,
    "MISC": EntityKind.OTHER,
}
SENTENCE_END = re.compile(r"(?<=[.!?”])\s+(?=[A-ZÁÉÍÓÖŐÚÜŰ„–])")
QUOTED = re.compile(r"„[^„”]{8,300}”")
DIGIT = re.compile(r"\d")
SENTENCE = re.compile(r"[^\s.!?][^.!?]*[.!?]”?")


# --- the corpus ------------------------------------------------------------------------------


def make_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", MAKE_CORPUS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nerkor_sentences() -> list[tuple[str, list[tuple[int, int, str, str]]]]:
    """Every sentence of NerKor's news train and devel files, with its gold entities as
    (start, end, type, base name) relative to the sentence."""
    sentences = []
    for split in NERKOR_SPLITS:
        gold = {}
        for line in (NERKOR / split / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            gold[row["file"]] = row["entities"]
        for path in sorted((NERKOR / split / "files").glob("*.txt")):
            body = re.sub(r"^\s*date\s+\S+\s*", "", path.read_text(encoding="utf-8"))
            spans = gold.get(path.name, [])
            start = 0
            for piece in [*SENTENCE_END.split(body.replace("\n\n", " ")), None]:
                if piece is None:
                    break
                at = body.replace("\n\n", " ").find(piece, start)
                end = at + len(piece)
                inside = [
                    (e["start"] - at, e["end"] - at, e["type"], e["name"])
                    for e in spans
                    if e["start"] >= at and e["end"] <= end
                ]
                if len(piece) > 20:
                    sentences.append((piece, inside))
                start = end
    return sentences


def catalogue(sentences, corpus) -> dict[str, tuple[str, str]]:
    """{casefolded name: (name, kind)}: NerKor's gold base names and make_corpus's names."""
    names = {}
    for name in corpus.PEOPLE:
        names.setdefault(name.casefold(), (name, EntityKind.PERSON))
    for name in corpus.OUTLETS:
        names.setdefault(name.casefold(), (name, EntityKind.ORGANISATION))
    for name in corpus.PLACES:
        names.setdefault(name.casefold(), (name, EntityKind.PLACE))
    for _sentence, entities in sentences:
        for _start, _end, kind, name in entities:
            if 2 <= len(name) <= 200:
                names.setdefault(name.casefold(), (name, NER_KINDS[kind]))
    return names


def articles_and_annotations(count: int, sentences, corpus, entity_ids: dict[str, int], authors: list[int], rows):
    """Yield (file name, seed file bytes) for each article, and write its annotations' rows
    (content hash first) to the csv writer ``rows``."""
    from imports.seedfile import parse_seed_file

    rng = random.Random(SEED)
    pool = corpus.sample_sentences()
    # Zipf-like: the first sentences in most articles, the last in a handful.
    order = list(range(len(sentences)))
    rng.shuffle(order)
    weights = [1 / (rank + 1) for rank in range(len(order))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    generated_names = {name: (name, kind) for name, kind in catalogue([], corpus).values()}
    outlets = set(corpus.OUTLETS)
    verdicts = Verdict.values
    for i in range(count):
        text = corpus.article(rng, pool, 4, 8)
        date_end = text.index(" ", len(" date ")) + 1
        paragraphs = text[date_end:].split("\n\n")
        picked = [
            sentences[order[j]] for j in rng.choices(range(len(order)), cum_weights=cumulative, k=rng.randint(3, 5))
        ]
        place = rng.randint(1, len(paragraphs))
        paragraphs.insert(place, " ".join(sentence for sentence, _ in picked))
        raw = (text[:date_end] + "\n\n".join(paragraphs)).encode()
        article = parse_seed_file(raw, max_bytes=10_000_000)
        body = article.body
        spans = {}  # (start, end, kind) -> row details

        def add(start, end, kind, entity=None, *, body=body, spans=spans, **details):
            if 0 <= start < end <= len(body):
                spans.setdefault((start, end, kind), (entity, details))

        # NerKor's gold names, where the inserted paragraph is.
        at = body.find(paragraphs[place])
        if at >= 0:
            offset = at
            for sentence, entities in picked:
                for start, end, _kind, name in entities:
                    if body[offset + start : offset + end] and (entity := entity_ids.get(name.casefold())):
                        add(offset + start, offset + end, "entity", entity)
                offset += len(sentence) + 1
        # The generated names: mentions, and the outlets as sources too.
        for name in generated_names:
            for match in re.finditer(re.escape(name), body):
                entity = entity_ids[name.casefold()]
                add(*match.span(), "entity", entity)
                if name in outlets:
                    add(*match.span(), "source", entity, source_type=rng.choice(["news_agency", "media"]))
        for match in QUOTED.finditer(body):
            after = body[match.end() : match.end() + 60]
            speaker = next((entity_ids[n.casefold()] for n in corpus.PEOPLE if n in after), None)
            verb = next((v for v in corpus.SPEECH_VERBS if v in after), "")
            add(*match.span(), "quote", speaker, quote_type=QuoteType.DIRECT, cue_verb=verb)
        for match in SENTENCE.finditer(body):  # sentences with a number are claims
            if DIGIT.search(match.group()):
                add(*match.span(), "claim", None, verdict=rng.choice(verdicts))
        chosen = list(spans.items())
        rng.shuffle(chosen)
        for (start, end, kind), (entity, details) in chosen[: rng.randint(8, 32)]:
            verdict = details.get("verdict", "")
            rows.writerow([
                article.content_sha256, kind, start, end, body[start:end],
                body[max(0, start - Annotation.CONTEXT_LENGTH) : start], body[end : end + Annotation.CONTEXT_LENGTH],
                entity or "", verdict, details.get("quote_type", ""), details.get("cue_verb", ""),
                details.get("source_type", ""), rng.choice(authors),
                "t" if verdict and verdict != Verdict.UNVERIFIED else "f",
            ])  # fmt: skip
        yield f"scale/{i:06d}.txt", raw


STAGING = """
CREATE UNLOGGED TABLE IF NOT EXISTS bench_search_scale_staging (
    sha text, kind text, start integer, "end" integer, exact text, prefix text, suffix text,
    entity_id bigint, verdict text, quote_type text, cue_verb text, source_type text, author_id integer,
    verdict_set boolean
)"""

# Empty text columns are '' (NOT NULL), an empty entity_id is NULL.
COPY_STAGING = """COPY bench_search_scale_staging FROM STDIN
    (FORMAT csv, FORCE_NOT_NULL (prefix, suffix, verdict, quote_type, cue_verb, source_type))"""

# One statement per range of articles: set-based, and resumable (an article that already has
# annotations is skipped). Through the table's triggers, as any write.
INSERT_ANNOTATIONS = """
INSERT INTO articles_annotation
    (article_id, kind, start, "end", exact, prefix, suffix, entity_id, verdict, evidence, quote_type, cue_verb,
     source_type, note, provenance, suggestion_rule, verdict_set_by_id, verdict_set_at, author_id, created_at,
     updated_at)
SELECT a.id, s.kind, s.start, s."end", s.exact, s.prefix, s.suffix, s.entity_id, s.verdict, '{}', s.quote_type,
       s.cue_verb, s.source_type, '', 'typed', '', CASE WHEN s.verdict_set THEN s.author_id END,
       CASE WHEN s.verdict_set THEN now() END, s.author_id, now(), now()
  FROM bench_search_scale_staging s JOIN articles_article a ON a.content_sha256 = s.sha
 WHERE a.id BETWEEN %s AND %s
   AND NOT EXISTS (SELECT 1 FROM articles_annotation x WHERE x.article_id = a.id)
"""


def loaded(articles: int) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT details FROM {MARKER_TABLE} WHERE articles = %s", [articles])
        row = cursor.fetchone()
    return row[0] if row else None


def fresh_database() -> None:
    import psycopg

    settings = connection.settings_dict
    connection.close()
    params = {"host": settings["HOST"], "port": settings["PORT"] or 5432, "user": settings["USER"]}
    if settings["PASSWORD"]:
        params["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')


def ensure_database() -> None:
    import psycopg

    settings = connection.settings_dict
    params = {"host": settings["HOST"], "port": settings["PORT"] or 5432, "user": settings["USER"]}
    if settings["PASSWORD"]:
        params["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')


def fill_search_vectors() -> None:
    """Index what the import left for the search-index step (articles.indexing), before measuring."""
    started = time.perf_counter()
    filled = fill_search_index()
    print(f"search vectors filled: {filled} ({time.perf_counter() - started:.0f} s)")


def load(count: int) -> None:
    from django.core.management import call_command

    from entities.services import save_entities_in_bulk
    from imports.importing import SeedSource, import_seed_files, sources_from_paths  # noqa: F401

    timings = {}
    started = time.perf_counter()
    corpus = make_corpus_module()
    sentences = nerkor_sentences()
    print(f"NerKor news sentences (train + devel): {len(sentences)}")

    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    editors = Group.objects.get(name="Editors")
    authors = []
    for n in range(AUTHORS):
        user, _ = User.objects.get_or_create(username=f"bench-author-{n}")
        user.groups.add(editors)
        authors.append(user.pk)

    names = catalogue(sentences, corpus)
    existing = {name.casefold() for name in Entity.objects.values_list("name", flat=True)}
    new = [Entity(name=name, kind=kind) for key, (name, kind) in names.items() if key not in existing]
    with transaction.atomic():
        save_entities_in_bulk(created=new, changed=[], by=admin)
    entity_ids = {name.casefold(): pk for name, pk in Entity.objects.values_list("name", "pk")}
    print(f"entities in the catalogue: {len(entity_ids)}")

    with connection.cursor() as cursor:
        cursor.execute(STAGING)
        cursor.execute("SELECT count(*) FROM bench_search_scale_staging")
        staged = cursor.fetchone()[0]
    # Resumable: the importer skips what it stored before, and rows staged by a run that was
    # stopped after staging them are inserted without generating the corpus again.
    if not staged or Article.objects.count() < count:
        with tempfile.TemporaryDirectory(prefix="newsroom-scale-") as scratch:
            rows_path = Path(scratch, "annotations.csv")
            with rows_path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                generated = articles_and_annotations(count, sentences, corpus, entity_ids, authors, writer)
                sources = (SeedSource(name=name, load=(lambda raw=raw: raw)) for name, raw in generated)
                t = time.perf_counter()
                report = import_seed_files(sources)
                timings["import"] = time.perf_counter() - t
            print(
                f"import (fast path): {report.imported} imported, {report.duplicates} already there, "
                f"{report.errors} errors, {timings['import']:.0f} s ({count / timings['import']:.0f} files/s, "
                "generating the corpus included)",
                flush=True,
            )
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE bench_search_scale_staging")
                with rows_path.open("rb") as rows, cursor.copy(COPY_STAGING) as copy:
                    while chunk := rows.read(1 << 20):
                        copy.write(chunk)
    fill_search_vectors()

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX IF NOT EXISTS bench_search_scale_staging_sha ON bench_search_scale_staging (sha)")
        cursor.execute("ANALYZE bench_search_scale_staging")
        cursor.execute("SELECT min(id), max(id) FROM articles_article")
        low, high = cursor.fetchone()
    step = 20_000
    inserted = 0
    for first in range(low, high + 1, step):
        with transaction.atomic(), connection.cursor() as cursor:
            # Past the table's triggers (see the module docstring for what is filled instead).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(INSERT_ANNOTATIONS, [first, first + step - 1])
            inserted += cursor.rowcount
        print(f"  annotations: {inserted} ({time.perf_counter() - t:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        # What the triggers would have kept: the entities' counts, recounted in one statement
        # as their migration counts them; and the span check, made here on a sample.
        recount = import_module("entities.migrations.0002_entity_counts_and_merges").RECOUNT
        cursor.execute(recount.format(entity="articles_entity", annotation="articles_annotation"))
        # and the articles' counts the list shows and sorts by, as their migration counts them once.
        recount = import_module("articles.migrations.0015_article_list_counts_and_indexes").RECOUNT
        cursor.execute(recount.format(article="articles_article", annotation="articles_annotation"))
        cursor.execute(
            "SELECT count(*) FROM articles_annotation n JOIN articles_article a ON a.id = n.article_id "
            'WHERE n.id % 100 = 0 AND substr(a.body, n.start + 1, n."end" - n.start) IS DISTINCT FROM n.exact'
        )
        if mismatched := cursor.fetchone()[0]:
            raise SystemExit(f"{mismatched} annotations of the 1% checked do not match their article's text")
    timings["annotations"] = time.perf_counter() - t
    print(f"annotations inserted: {inserted} ({timings['annotations']:.0f} s)", flush=True)

    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Some progress, so that the status filter and counts have something to select: a
        # quarter in progress, a tenth done. (Each row updated recomputes its search vector.)
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE articles_article SET status = CASE WHEN id % 4 = 1 THEN 'in_progress' ELSE 'done' END "
            "WHERE status = 'new' AND (id % 4 = 1 OR id % 10 = 0)"
        )
    # What the articles' triggers would have kept: their tally.
    ArticleTally.objects.recount()
    timings["status"] = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_search_scale_staging")
    connection.close()
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    print(f"VACUUM ANALYZE: {timings['vacuum']:.0f} s; load in all: {timings['total']:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (articles integer PRIMARY KEY, details jsonb)")
        details = {
            "timings": {k: round(v) for k, v in timings.items()},
            "articles": Article.objects.count(),
            "annotations": Annotation.objects.count(),
            "entities": Entity.objects.count(),
        }
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s) "
            "ON CONFLICT (articles) DO UPDATE SET details = EXCLUDED.details",
            [count, json.dumps(details)],
        )
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="skip loading when the database holds the corpus")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database first")
    parser.add_argument("--list-requests", type=int, default=200, help="per case of the article list")
    parser.add_argument("--only", help="only the cases whose name contains this")
    parser.add_argument("--deep-page", type=int, default=1000)
    parser.add_argument("--no-plans", action="store_true", help="leave the EXPLAIN plans out")
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()

    from django.core.management import call_command

    if args.fresh:
        fresh_database()
    else:
        ensure_database()
    call_command("migrate", verbosity=0)
    details = loaded(args.articles)
    if details and args.reuse:
        print(f"reusing the corpus in {connection.settings_dict['NAME']}: {json.dumps(details)}")
    else:
        load(args.articles)
    if args.load_only:
        return
    measure(args)


# --- measuring -------------------------------------------------------------------------------

# A sequential scan of articles or annotations, and how many rows it read (those it returned and
# those its filter removed, in all its loops): a Limit may stop it after a few.
SEQ_SCAN = re.compile(
    r"Seq Scan on (articles_article|articles_annotation)\b.*?actual time=\S+ rows=(\d+) loops=(\d+)\)"
    r"(?:\n[^\n]*Filter: [^\n]*)?(?:\n\s*Rows Removed by Filter: (\d+))?"
)
NEXT_LINK = re.compile(r'<a href="([^"]*)"[^>]*rel="next"')
# The queries each case is about; the session's and permissions' are left out.
MAIN_TABLES = re.compile(r'"(articles_article|articles_annotation|articles_entity)"')
MIDDLING_CANDIDATES = ("pénzügy", "vonatkozó", "együttműködés", "jelentős", "rosszabb")
COMMON_CANDIDATES = ["hírügynökség", "katona", "harcokban", "mondta"]
PHRASE = '"katona vett részt"'


def count_found(text: str) -> int:
    return Article.objects.search(text).count()


def pick_terms(corpus_size: int) -> dict[str, str]:
    """The words to search for, chosen from what the corpus holds, with their article counts."""
    counts = {}
    common = None
    for word in COMMON_CANDIDATES:
        counts[word] = count_found(word)
        if counts[word] > 0.3 * corpus_size:
            common = word
            break
    if common is None:
        raise SystemExit(f"no word of {COMMON_CANDIDATES} is in 30% of the articles: {counts}")
    rare = None
    people = Entity.objects.filter(kind=EntityKind.PERSON, name__contains=" ", mention_count__range=(2, 8))
    for name in people.order_by("name").values_list("name", flat=True)[:200]:
        if 1 <= (found := count_found(name)) <= 10:
            rare, counts[name] = name, found
            break
    # A name whose mentions carry case endings (gold text 'Thaiföldön' for the name 'Thaiföld'),
    # searched for as the name: the prefix match must find the suffixed forms.
    suffixed = None
    seen = set()
    for _sentence, entities in nerkor_sentences():
        for start, end, kind, name in entities:
            text = _sentence[start:end]
            if kind in ("PER", "LOC") and " " not in name and len(name) >= 5 and text != name and text.startswith(name):
                if name in seen:
                    continue
                seen.add(name)
                found = count_found(name)
                if 100 <= found <= 5000:
                    suffixed, counts[name] = name, found
                    break
        if suffixed:
            break
    # A word in a few percent of the articles: too many to list by their ids, too few for the
    # date order's index to meet them soon.
    middling = None
    for word in MIDDLING_CANDIDATES:
        counts[word] = count_found(word)
        if 0.02 * corpus_size <= counts[word] <= 0.12 * corpus_size:
            middling = word
            break
    counts[PHRASE] = count_found(PHRASE)
    print("searched for (articles found): " + ", ".join(f"{text} ({n})" for text, n in counts.items()))
    terms = {"common": common, "rare": rare or "Kim Dzsongun", "suffixed": suffixed or "Phenjan", "phrase": PHRASE}
    if middling:
        terms["middling"] = middling
    return terms


def deep_page_path(client, page: int) -> str:
    """The address of the list's page number ``page`` as its "Older →" links make it: after the
    key of the last row of the page before (found here with an OFFSET, once; the page itself is
    then served by its key, as a reader paging on gets it)."""
    from articles.paging import key_of
    from articles.views import ARTICLES_PER_PAGE

    response = client.get("/articles/")
    if NEXT_LINK.search(response.content.decode()) is None:
        raise SystemExit("the article list has no next page")
    last = Article.objects.only("published_on").order_by("-published_on", "-id")[(page - 1) * ARTICLES_PER_PAGE - 1]
    return "/articles/?" + urlencode({"after": key_of("date", last), "page": page})


def plans(client, path: str) -> tuple[list[str], list[str]]:
    """The EXPLAIN (ANALYZE, BUFFERS) of the main queries the request runs, and the tables
    scanned sequentially among articles and annotations."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    found, scanned = [], []
    # Replayed in order, in one transaction: the planner settings the app sets for a statement
    # (newsroom.postgres.planned_without, set_config(…, true)) apply to its plan here too.
    with transaction.atomic(), connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "set_config(" in sql:
                cursor.execute(sql)
                continue
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or not MAIN_TABLES.search(sql):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for table, rows, loops, removed in SEQ_SCAN.findall(plan):
                read = (int(rows) + int(removed or 0)) * int(loops)
                scanned.append(f"{table} ({read:,} rows read)")
            found.append(f"{sql}\n{plan}")
    return found, scanned


def timed(base: str, path: str, cookie: str, count: int, log: Path) -> tuple[list[float], list[float]]:
    """Client times (ms) of ``count`` GETs, each on a new connection, and the server's (ms, from
    gunicorn's access log: %(D)s, request in to response out)."""
    host = urlsplit(base)
    headers = {"Cookie": f"sessionid={cookie}"}
    for _ in range(4):  # warm-up: every worker, its connection and caches
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
        conn.close()
    time.sleep(0.3)
    before = log.stat().st_size
    client = []
    for _ in range(count):
        started = time.perf_counter()
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        client.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status, body[:300])
    time.sleep(0.5)
    with log.open("rb") as lines:
        lines.seek(before)
        server = [int(line.split()[0]) / 1000 for line in lines.read().decode().splitlines() if line.strip()]
    return client, server


def measure(args) -> None:
    from django.test import Client

    total = Article.objects.count()
    print(
        f"corpus: {total} articles, {Annotation.objects.count()} annotations, "
        f"{Entity.objects.count()} entities, database {connection.settings_dict['NAME']}"
    )
    terms = pick_terms(total)
    user = User.objects.filter(username="bench-editor").first() or served.editor()
    client = Client()
    client.force_login(user)
    filtered = urlencode({
        "q": terms["common"], "status": "in_progress", "published_from": "2024-01-01",
        "published_to": "2025-12-31", "has": "claim",
    })  # fmt: skip
    cases = {
        "list, first page": "/articles/",
        f"list, page {args.deep_page}": deep_page_path(client, args.deep_page),
        "list, filtered search": f"/articles/?{filtered}",
    }
    for label, text in terms.items():
        cases[f"list search, {label} ({text})"] = "/articles/?" + urlencode({"q": text})
        cases[f"grouped search, {label} ({text})"] = "/search/?" + urlencode({"q": text})

    if args.only:
        cases = {label: path for label, path in cases.items() if args.only in label}
    found_plans = {}
    for label, path in cases.items():
        found_plans[label] = plans(client, path)

    cookie = served.session_cookie(user)
    results = {}
    with tempfile.TemporaryDirectory(prefix="newsroom-scale-") as scratch:
        log = Path(scratch, "access.log")
        log.touch()
        with served.gunicorn(connection.settings_dict, workers=args.workers, access_log=log) as base:
            for label, path in cases.items():
                count = args.list_requests if path.startswith("/articles/") else args.requests
                client_times, server_times = timed(base, path, cookie, count, log)
                results[label] = (client_times, server_times)
                p = served.percentile
                print(
                    f"{label}: server p50 {p(server_times, 0.5):.1f} ms, p95 {p(server_times, 0.95):.1f} ms; "
                    f"client p95 {p(client_times, 0.95):.1f} ms ({len(client_times)} requests)",
                    flush=True,
                )

    print(f"\n{'case':60} {'server p50':>11} {'server p95':>11}  sequential scans")
    for label, (_client_times, server_times) in results.items():
        scanned = sorted(set(found_plans[label][1]))
        print(
            f"{label:60} {served.percentile(server_times, 0.5):9.1f} ms {served.percentile(server_times, 0.95):8.1f} ms"
            f"  {', '.join(scanned) or 'none'}"
        )
    if not args.no_plans:
        for label, (queries, _scanned) in found_plans.items():
            print(f"\n===== {label}: {cases[label]}")
            for text in queries:
                print(f"\n{text}")


if __name__ == "__main__":
    main()
