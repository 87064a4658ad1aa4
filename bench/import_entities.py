#!/usr/bin/env python
"""Catalogue benchmark: 10,000 generated entities imported into an empty catalogue, again, changed, exported.

    .venv/bin/python bench/import_entities.py [--entities 10000]

Generates a JSON Lines catalogue of Hungarian people, organisations, places and events (accents,
aliases such as the name in Western order and without accents, Wikidata QIDs for half, some
descriptions with emoji), creates a fresh database beside the configured one (DATABASE_URL, or the
embedded PostgreSQL), migrates it, and times `manage.py import_entities` as an admin runs it, in
this process: reading, checking, matching, storing, committing. Then the same file again (all
unchanged), a CSV of it with one more alias each (all updated), and `export_entities`. Drops the
database afterwards.
"""

import argparse
import csv
import io
import json
import random
import tempfile
import time
from pathlib import Path

SURNAMES = [
    "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh",
    "Papp", "Takács", "Juhász", "Lakatos", "Mészáros", "Oláh", "Simon", "Rácz", "Fekete", "Szilágyi", "Török",
    "Fehér", "Balázs", "Gál", "Kis", "Szűcs", "Kocsis", "Orsós", "Pintér", "Fodor", "Szalai", "Sipos", "Magyar",
    "Lukács", "Gulyás", "Biró", "Király", "László", "Katona", "Jakab", "Bogdán", "Balog", "Sándor", "Boros",
    "Fazekas", "Kelemen", "Antal", "Orosz", "Somogyi", "Fülöp", "Veres", "Budai", "Vincze", "Hegedűs", "Deák",
]  # fmt: skip
FIRST_NAMES = [
    "László", "István", "József", "János", "Zoltán", "Sándor", "Gábor", "Ferenc", "Attila", "Péter", "Tamás",
    "Zsolt", "Tibor", "András", "Csaba", "Imre", "Lajos", "György", "Balázs", "Gyula", "Mária", "Erzsébet",
    "Katalin", "Éva", "Ilona", "Anna", "Zsuzsanna", "Margit", "Judit", "Ágnes", "Andrea", "Erika", "Krisztina",
    "Irén", "Eszter", "Orsolya", "Réka", "Zsófia", "Dóra", "Ildikó", "Győző", "Ödön", "Őrs", "Ünige", "Szilvia",
]  # fmt: skip
ORGANISATION_WORDS = [
    ("Magyar", "Országos", "Független", "Dunai", "Alföldi", "Keleti", "Nyugati", "Közép-európai", "Szegedi",
     "Debreceni", "Pécsi", "Győri", "Miskolci", "Egri", "Soproni", "Tiszai", "Zempléni", "Bakonyi"),
    ("Hírügynökség", "Kutatóintézet", "Egyesület", "Szövetség", "Bank", "Kórház", "Egyetem", "Színház",
     "Sajtóiroda", "Ügyészség", "Törvényszék", "Kamara", "Alapítvány", "Műhely", "Szakszervezet"),
    ("", " Zrt.", " Kft.", " Nonprofit Kft.", " Egyesülete", " Központ"),
]  # fmt: skip
PLACE_WORDS = [
    ("", "Alsó", "Felső", "Kis", "Nagy", "Új", "Ó", "Szent", "Tisza", "Duna", "Mező", "Balaton", "Rác", "Püspök"),
    ("körös", "vár", "hegy", "szeg", "rév", "füred", "laka", "tó", "kő", "patak", "mocs", "györgy", "bánya",
     "nyék", "szőlős", "bérc", "dob", "ölyv", "erdő", "szék", "lőrinc", "őr", "ács", "ság", "hida"),
    ("", "falva", "háza", "telek", "puszta", "szállás", "apáti", "egyháza"),
]  # fmt: skip
EVENTS = ["Ifjúsági Napok", "Borfesztivál", "Könyvhét", "Filmszemle", "Csúcstalálkozó", "Választás", "Árvíz"]
UNACCENT = str.maketrans("áéíóöőúüűÁÉÍÓÖŐÚÜŰ", "aeiooouuuAEIOOOUUU")


def make_catalogue(count: int) -> list[dict]:
    rng = random.Random(8)
    seen: set[tuple[str, str]] = set()
    entries: list[dict] = []

    def add(name: str, kind: str, aliases: list[str]) -> None:
        if (name.lower(), kind) in seen:
            return
        seen.add((name.lower(), kind))
        entry = {"name": name, "kind": kind, "aliases": [a for a in dict.fromkeys(aliases) if a != name]}
        if len(entries) % 2 == 0:
            entry["wikidata"] = f"Q{100_000 + len(entries)}"
        if len(entries) % 5 == 0:
            entry["description"] = rng.choice(["Újságíró 📰", "Politikus, volt miniszter", "„Forrásként” idézik 🗞️"])
        entries.append(entry)

    plan = [("person", 0.6), ("organisation", 0.2), ("place", 0.15), ("other", 0.05)]
    for kind, share in plan:
        target = len(entries) + round(count * share) if kind != "other" else count
        while len(entries) < target:
            if kind == "person":
                surname, first = rng.choice(SURNAMES), rng.choice(FIRST_NAMES)
                second = rng.choice(["", *(name for name in FIRST_NAMES if name != first)])
                given = f"{first} {second}".strip()
                add(f"{surname} {given}", kind, [f"{given} {surname}", f"{surname} {given}".translate(UNACCENT)])
            elif kind == "organisation":
                town = "".join(map(rng.choice, PLACE_WORDS)).capitalize()
                name = "".join(
                    [f"{town}i {rng.choice(ORGANISATION_WORDS[0])} ", *map(rng.choice, ORGANISATION_WORDS[1:])]
                )
                add(name, kind, [name.translate(UNACCENT), "".join(word[0] for word in name.split()).upper()])
            elif kind == "place":
                name = "".join(map(rng.choice, PLACE_WORDS)).capitalize()
                add(name, kind, [name.translate(UNACCENT), f"{name}on", f"{name}ban"])
            else:
                name = f"{rng.choice(PLACE_WORDS[1]).capitalize()}i {rng.choice(EVENTS)} {rng.randint(1950, 2025)}"
                add(name, kind, [name.translate(UNACCENT)])
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    args = parser.parse_args()

    import served
    from django.core.management import call_command

    from entities.models import Entity

    def run(command: str, *arguments: str) -> tuple[float, str]:
        out = io.StringIO()
        started = time.perf_counter()
        try:
            call_command(command, *arguments, stdout=out, stderr=io.StringIO())
        except SystemExit as exit:
            raise SystemExit(f"{command} failed ({exit.code}): {out.getvalue()[:2000]}") from None
        return time.perf_counter() - started, out.getvalue()

    entries = make_catalogue(args.entities)
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as scratch, served.scratch_database() as db:
        catalogue = Path(scratch, "catalogue.jsonl")
        catalogue.write_text("".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries))
        print(f"catalogue: {len(entries)} entities, {catalogue.stat().st_size / 1024 / 1024:.1f} MB, "
              f"database: {db['NAME']}")  # fmt: skip
        for label in ("first import", "re-import"):
            elapsed, report = run("import_entities", "--json", str(catalogue))
            counts = {key: value for key, value in json.loads(report).items() if key != "errors"}
            print(f"{label}: {elapsed:.2f} s ({len(entries) / elapsed:,.0f} entities/s; {counts})")

        exported = Path(scratch, "catalogue.csv")
        run("export_entities", "--output", str(exported))
        changed = Path(scratch, "changed.csv")
        lines = exported.read_text().split("\n")
        # One more alias for every entity (the third column).
        with changed.open("w", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            for i, row in enumerate(csv.reader(lines[:-1])):
                if i:
                    row[2] = "|".join(filter(None, [row[2], f"{row[0]} (bench)"]))
                writer.writerow(row)
        elapsed, report = run("import_entities", "--json", str(changed))
        counts = {key: value for key, value in json.loads(report).items() if key != "errors"}
        print(f"import with one more alias each (csv): {elapsed:.2f} s ({counts})")

        elapsed, _ = run("export_entities", "--output", str(exported))
        print(f"export (csv): {elapsed:.2f} s")
        print(f"entities in the database: {Entity.objects.count()}")


if __name__ == "__main__":
    main()
