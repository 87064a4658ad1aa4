"""The entity catalogue in and out: `import_entities` and `export_entities` (entities/catalogue.py)."""

import contextlib
import io
import json
import os
import pty
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from entities import spelling
from entities.catalogue import Format, merge, read
from entities.models import Entity
from tests.factories import make_entity
from tests.processes import process_env

ROOT = Path(__file__).resolve().parent.parent


def import_entities(*args: str | Path) -> tuple[int, str, str]:
    """The command in this process (inside the test's transaction): exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_entities", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def import_json(*args: str | Path) -> tuple[int, dict]:
    status, stdout, _ = import_entities("--json", *args)
    return status, json.loads(stdout)


def export_entities(*args: str) -> str:
    out = io.StringIO()
    call_command("export_entities", *args, stdout=out)
    return out.getvalue()


def jsonl(tmp_path: Path, *rows: dict | str, name: str = "catalogue.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows)
    )
    return path


def kim(**fields) -> dict:
    return {"name": "Kim Dzsongun", "kind": "person", **fields}


def entities() -> list[tuple]:
    return list(
        Entity.objects.order_by("kind", "name").values_list("name", "kind", "aliases", "description", "external_id")
    )


@pytest.fixture
def catalogue_rows(db):
    """A catalogue with what breaks formats: accents, emoji, quotes, commas, line breaks, U+2028."""
    description = 'Észak-Korea vezetője 🇰🇵, „a Legfelsőbb Vezető”.\nMásodik sor; vessző, idézőjel "x".'
    make_entity("Kim Dzsongun", aliases=["Kim Jong Un", "Kim Dzsong Un"], external_id="Q56226", description=description)
    make_entity("Kim Dzsong Il", external_id="Q46212")
    make_entity("Szergej Sojgu", aliases=["Sergei Shoigu", "Sojgu"], description="orosz politikus\u2028(sorelválasztó)")
    make_entity("Orbán Viktor", aliases=["Viktor Orbán"])
    make_entity("TASZSZ", kind=Entity.Kind.ORGANISATION, aliases=["TASS", "ТАСС"])
    make_entity("Phenjan", kind=Entity.Kind.PLACE, aliases=["Pyongyang", "Phenjanban"])
    make_entity("Vörös tér, Moszkva", kind=Entity.Kind.PLACE)
    make_entity("Álom 😴 projekt", kind=Entity.Kind.OTHER)


@pytest.mark.django_db
class TestRoundTrip:
    @pytest.mark.parametrize("format", ["jsonl", "csv"])
    def test_export_import_export_is_byte_identical(self, catalogue_rows, tmp_path, format):
        path = tmp_path / f"catalogue.{format}"
        call_command("export_entities", "--output", str(path))
        first = path.read_bytes()

        status, report = import_json(path)
        assert (status, report) == (0, {"created": 0, "updated": 0, "unchanged": 8, "errors": []})
        assert export_entities("--format", format).encode() == first

    @pytest.mark.parametrize("format", ["jsonl", "csv"])
    def test_an_export_imported_into_an_empty_catalogue_makes_it_again(self, catalogue_rows, tmp_path, format):
        path = tmp_path / f"catalogue.{format}"
        call_command("export_entities", "--output", str(path))
        before = entities()
        Entity.objects.all().delete()

        status, report = import_json(path)

        assert (status, report["created"]) == (0, 8)
        assert entities() == before
        assert export_entities("--format", format).encode() == path.read_bytes()

    def test_the_export_is_by_kind_then_name_with_every_column(self, catalogue_rows):
        # Lines end at "\n" only: a description holds U+2028, where str.splitlines() would split too.
        lines = [json.loads(line) for line in export_entities().removesuffix("\n").split("\n")]
        assert [(line["kind"], line["name"]) for line in lines] == [
            ("organisation", "TASZSZ"),
            ("other", "Álom 😴 projekt"),
            ("person", "Kim Dzsong Il"),
            ("person", "Kim Dzsongun"),
            ("person", "Orbán Viktor"),
            ("person", "Szergej Sojgu"),
            ("place", "Phenjan"),
            ("place", "Vörös tér, Moszkva"),
        ]
        assert lines[2] == {
            "name": "Kim Dzsong Il",
            "kind": "person",
            "aliases": [],
            "description": "",
            "wikidata": "Q46212",
        }

    def test_the_csv_export_has_a_header_and_aliases_separated_by_bars(self, catalogue_rows):
        lines = export_entities("--format", "csv").split("\n")
        assert lines[0] == "name,kind,aliases,description,wikidata"
        assert lines[1] == "TASZSZ,organisation,TASS|ТАСС,,"

    def test_csv_refuses_an_alias_with_a_bar_rather_than_split_it(self, db):
        make_entity("Kim Dzsongun", aliases=["Kim | Dzsongun"])
        with pytest.raises(CommandError, match="cannot be written as CSV, use jsonl: Kim Dzsongun"):
            export_entities("--format", "csv")
        assert json.loads(export_entities())["aliases"] == ["Kim | Dzsongun"]

    def test_an_identifier_that_is_not_a_qid_is_exported_with_a_warning(self, db):
        make_entity("Kim Dzsongun", external_id="viaf:123")
        err = io.StringIO()
        out = io.StringIO()
        call_command("export_entities", stdout=out, stderr=err)
        assert json.loads(out.getvalue())["wikidata"] == "viaf:123"
        assert "Kim Dzsongun (person) has the identifier 'viaf:123', not a Wikidata QID" in err.getvalue()

    def test_the_output_suffix_chooses_the_format(self, catalogue_rows, tmp_path):
        call_command("export_entities", "--output", str(tmp_path / "x.csv"))
        assert (tmp_path / "x.csv").read_text().startswith("name,kind,aliases,description,wikidata\n")


@pytest.mark.django_db
class TestImport:
    def test_it_creates_entities_with_their_spelling_keys(self, tmp_path):
        path = jsonl(
            tmp_path,
            kim(aliases=["Kim Jong Un"], wikidata="Q56226", description="Észak-Korea vezetője"),
            {"name": "Phenjan", "kind": "place"},
        )

        status, report = import_json(path)

        assert (status, report) == (0, {"created": 2, "updated": 0, "unchanged": 0, "errors": []})
        kim_entity = Entity.objects.get(name="Kim Dzsongun")
        assert (kim_entity.aliases, kim_entity.external_id) == (["Kim Jong Un"], "Q56226")
        assert kim_entity.description == "Észak-Korea vezetője"
        assert kim_entity.spelling_keys == spelling.spelling_keys("Kim Dzsongun", ["Kim Jong Un"]) == ["kimjongun"]
        assert Entity.objects.matching("Kim Dzsong Un").first() == kim_entity  # found by its spelling key

    def test_importing_again_reports_every_entry_unchanged(self, tmp_path):
        path = jsonl(tmp_path, kim(aliases=["Kim Jong Un"], wikidata="Q56226"), {"name": "Phenjan", "kind": "place"})
        import_json(path)
        before = list(Entity.objects.values_list("pk", "updated_at"))

        assert import_json(path) == (0, {"created": 0, "updated": 0, "unchanged": 2, "errors": []})
        assert list(Entity.objects.values_list("pk", "updated_at")) == before

    def test_it_matches_by_qid_and_keeps_the_other_name_as_an_alias(self, db, tmp_path):
        known = make_entity("Kim Dzsongun", external_id="Q56226")

        status, report = import_json(jsonl(tmp_path, {"name": "Kim Jong Un", "kind": "person", "wikidata": "Q56226"}))

        assert (status, report["updated"]) == (0, 1)
        known.refresh_from_db()
        assert (known.name, known.aliases) == ("Kim Dzsongun", ["Kim Jong Un"])
        assert known.spelling_keys == ["kimjongun"]

    def test_it_matches_a_name_in_another_case(self, db, tmp_path):
        known = make_entity("Kim Dzsongun")
        path = jsonl(tmp_path, {"name": "KIM DZSONGUN", "kind": "person", "wikidata": "Q56226"})

        assert import_json(path) == (0, {"created": 0, "updated": 1, "unchanged": 0, "errors": []})
        known.refresh_from_db()
        assert (known.name, known.aliases, known.external_id) == ("Kim Dzsongun", [], "Q56226")

    def test_it_matches_by_alias_and_unites_the_aliases(self, db, tmp_path):
        known = make_entity("Szergej Sojgu", aliases=["Sergei Shoigu"], description="orosz politikus")
        path = jsonl(tmp_path, {"name": "sergei shoigu", "kind": "person", "aliases": ["Sojgu", "Sergei Shoigu"]})

        assert import_json(path)[1]["updated"] == 1
        known.refresh_from_db()
        assert known.aliases == ["Sergei Shoigu", "Sojgu"]
        assert known.description == "orosz politikus"  # not given: kept
        assert known.spelling_keys == spelling.spelling_keys("Szergej Sojgu", ["Sergei Shoigu", "Sojgu"])

    def test_an_update_stores_aliases_as_given_and_moves_updated_at(self, db, tmp_path):
        known = make_entity("Szergej Sojgu")
        odd = ['Sojgu „a miniszter” \\ "idézve"', "Шойгу 🪖", "{Sojgu}"]
        assert import_json(jsonl(tmp_path, {"name": "Szergej Sojgu", "kind": "person", "aliases": odd}))[0] == 0
        stored = Entity.objects.get()
        assert stored.aliases == odd
        assert stored.updated_at > known.updated_at
        assert stored.spelling_keys == spelling.spelling_keys("Szergej Sojgu", odd)

    def test_a_given_description_replaces_the_old_one(self, db, tmp_path):
        known = make_entity("Phenjan", kind=Entity.Kind.PLACE, description="főváros")
        import_json(jsonl(tmp_path, {"name": "Phenjan", "kind": "place", "description": "Észak-Korea fővárosa"}))
        known.refresh_from_db()
        assert known.description == "Észak-Korea fővárosa"

    def test_a_name_of_another_kind_is_another_entity(self, db, tmp_path):
        make_entity("Kim Dzsongun", kind=Entity.Kind.OTHER)
        assert import_json(jsonl(tmp_path, kim()))[1]["created"] == 1
        assert Entity.objects.filter(name="Kim Dzsongun").count() == 2

    @pytest.mark.parametrize(
        ("known", "imported"), [("Kim Dzsongun", "Kim Dzsong Il"), ("Orbán Viktor", "Orban Viktor")]
    )
    def test_a_name_that_differs_by_a_letter_or_an_accent_is_not_merged(self, db, tmp_path, known, imported):
        make_entity(known)
        assert import_json(jsonl(tmp_path, {"name": imported, "kind": "person"}))[1]["created"] == 1
        assert sorted(Entity.objects.values_list("name", flat=True)) == sorted([known, imported])
        assert Entity.objects.get(name=known).aliases == []

    def test_decomposed_accents_and_a_byte_order_mark_match_the_stored_name(self, db, tmp_path):
        known = make_entity("Orbán Viktor")
        decomposed = unicodedata.normalize("NFD", "Orbán Viktor")
        assert decomposed != "Orbán Viktor"
        path = tmp_path / "bom.jsonl"
        path.write_bytes(
            b"\xef\xbb\xbf" + json.dumps({"name": decomposed, "kind": "person", "wikidata": "Q57641"}).encode()
        )

        assert import_json(path) == (0, {"created": 0, "updated": 1, "unchanged": 0, "errors": []})
        known.refresh_from_db()
        assert (known.name, known.aliases, known.external_id) == ("Orbán Viktor", [], "Q57641")

    def test_a_csv_with_a_byte_order_mark_semicolons_and_decomposed_accents(self, db, tmp_path):
        known = make_entity("Orbán Viktor")
        text = "name;kind;aliases;wikidata\r\n"
        text += unicodedata.normalize("NFD", "Orbán Viktor;person;Viktor Orbán|Orbán;Q57641\r\n")
        text += "\r\n"  # a blank line is no entry
        text += "Phenjan;place;;\r\n"
        path = tmp_path / "excel.csv"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())

        assert import_json(path) == (0, {"created": 1, "updated": 1, "unchanged": 0, "errors": []})
        known.refresh_from_db()
        assert known.aliases == ["Viktor Orbán", "Orbán"]
        assert all(unicodedata.is_normalized("NFC", alias) for alias in known.aliases)

    def test_a_csv_description_may_hold_line_breaks_and_quotes(self, db, tmp_path):
        path = tmp_path / "c.csv"
        path.write_text('kind,name,description\nplace,Phenjan,"Első sor, „idézet” és ""x"".\nMásodik sor."\n')
        assert import_json(path)[0] == 0
        assert Entity.objects.get().description == 'Első sor, „idézet” és "x".\nMásodik sor.'

    def test_each_file_is_its_own_transaction(self, db, tmp_path):
        good = jsonl(tmp_path, kim(), name="good.jsonl")
        bad = jsonl(tmp_path, {"name": "Phenjan", "kind": "place"}, {"name": "Moszkva"}, name="bad.jsonl")

        status, report = import_json(bad, good)

        assert (status, report["created"]) == (1, 1)
        assert list(Entity.objects.values_list("name", flat=True)) == ["Kim Dzsongun"]

    def test_a_later_file_sees_what_an_earlier_one_stored(self, db, tmp_path):
        first = jsonl(tmp_path, kim(), name="1.jsonl")
        second = jsonl(tmp_path, kim(aliases=["Kim Jong Un"]), name="2.jsonl")
        assert import_json(first, second) == (0, {"created": 1, "updated": 1, "unchanged": 0, "errors": []})

    def test_an_emoji_name_and_an_alias_of_exactly_200_characters_are_stored(self, db, tmp_path):
        alias = "Á" * 200
        assert import_json(jsonl(tmp_path, {"name": "Álom 😴", "kind": "other", "aliases": [alias]}))[0] == 0
        assert Entity.objects.get(name="Álom 😴").aliases == [alias]


# Each bad line with the reason given for it; the good line after it is not stored either.
BAD_LINES = {
    "no name": ({"kind": "person"}, "no name"),
    "empty name": ({"name": " \t ", "kind": "person"}, "no name"),
    "name not text": ({"name": 42, "kind": "person"}, "name must be text"),
    "no kind": ({"name": "Kim Dzsongun"}, "no kind: one of person, organisation, place, other"),
    "unknown kind": (kim(kind="személy"), 'unknown kind "személy": one of person, organisation, place, other'),
    "bad qid": (kim(wikidata="56226"), '"56226" is not a Wikidata QID (Q and a number, such as Q56226)'),
    "qid with zero": (kim(wikidata="Q056226"), '"Q056226" is not a Wikidata QID'),
    "qid url": (kim(wikidata="https://www.wikidata.org/wiki/Q56226"), "is not a Wikidata QID"),
    "long name": (kim(name="Ő" * 201), "name “ŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐŐ…” is 201 characters long, at most 200"),
    "long alias": (kim(aliases=["ok", "x" * 300]), "alias “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is 300 characters long"),
    "aliases not a list": (kim(aliases="Kim Jong Un"), "aliases must be a list of names"),
    "alias not text": (kim(aliases=["Kim Jong Un", None]), "alias must be text"),
    "unknown key": (
        kim(alias=["Kim Jong Un"]),
        'unknown key "alias": the keys are name, kind, aliases, description, wikidata',
    ),
    "NUL": (kim(description="a\u0000b"), "description contains the control character U+0000"),
    "lone surrogate": ('{"name": "Kim \\ud83d", "kind": "person"}', "name is not valid Unicode"),
    "repeated key": (
        '{"name": "Kim Dzsongun", "name": "Kim Jong Un", "kind": "person"}',
        'the key "name" is given twice',
    ),
    "not JSON": ('{"name": "Kim Dzsongun", "kind": "person"', "not valid JSON at column 42: Expecting ',' delimiter"),
    "not an object": ('["Kim Dzsongun", "person"]', "not a JSON object"),
    "nested too deeply": ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
}


@pytest.mark.django_db
class TestBadLines:
    @pytest.mark.parametrize(("row", "reason"), BAD_LINES.values(), ids=BAD_LINES.keys())
    def test_a_bad_line_is_reported_with_its_number_and_nothing_of_the_file_is_stored(self, tmp_path, row, reason):
        path = jsonl(tmp_path, {"name": "Phenjan", "kind": "place"}, "", row, kim(name="Szergej Sojgu"))

        status, report = import_json(path)

        assert status == 1
        assert report["created"] == report["updated"] == report["unchanged"] == 0
        [error] = report["errors"]
        assert (error["file"], error["line"]) == (str(path), 3)
        assert reason in error["error"]
        assert not Entity.objects.exists()

    def test_invalid_utf8_is_reported_on_its_line(self, tmp_path):
        path = tmp_path / "latin2.jsonl"
        path.write_bytes(b'{"name": "Phenjan", "kind": "place"}\n{"name": "Orb\xe1n Viktor", "kind": "person"}\n')
        assert import_json(path)[1]["errors"] == [
            {"file": str(path), "line": 2, "error": "not valid UTF-8 at byte 14: save the file as UTF-8"}
        ]

    def test_every_bad_line_of_a_file_is_reported_at_once(self, tmp_path):
        path = jsonl(tmp_path, {"name": "Kim"}, kim(wikidata="Q1"), kim(wikidata="Q2"), {"name": "", "kind": "place"})
        assert [(error["line"], error["error"]) for error in import_json(path)[1]["errors"]] == [
            (1, "no kind: one of person, organisation, place, other"),
            (3, "“Kim Dzsongun” (person) is already on line 2; give each entity one line"),
            (4, "no name"),
        ]

    def test_a_qid_twice_in_one_file_is_refused(self, tmp_path):
        path = jsonl(tmp_path, kim(wikidata="Q56226"), {"name": "Kim Jong Un", "kind": "person", "wikidata": "Q56226"})
        assert import_json(path)[1]["errors"] == [
            {
                "file": str(path),
                "line": 2,
                "error": "“Kim Dzsongun” (person) is already on line 1; give each entity one line",
            },
        ]
        assert not Entity.objects.exists()

    def test_a_qid_of_an_entity_of_another_kind_is_refused(self, db, tmp_path):
        make_entity("Phenjan", kind=Entity.Kind.PLACE, external_id="Q18808")
        [error] = import_json(jsonl(tmp_path, {"name": "Phenjan", "kind": "other", "wikidata": "Q18808"}))[1]["errors"]
        assert error["error"] == "Q18808 belongs to “Phenjan” (place), but this line's kind is other"

    def test_a_qid_of_one_entity_on_the_name_of_another_is_refused(self, db, tmp_path):
        make_entity("Kim Jong Un", external_id="Q56226")
        make_entity("Kim Dzsongun")
        [error] = import_json(jsonl(tmp_path, kim(wikidata="Q56226")))[1]["errors"]
        assert error["error"] == (
            "Q56226 belongs to “Kim Jong Un” (person), but “Kim Dzsongun” (person) is another entity: "
            "merge them in the admin first"
        )
        assert Entity.objects.get(name="Kim Jong Un").aliases == []

    def test_a_qid_other_than_the_named_entitys_is_refused(self, db, tmp_path):
        make_entity("Kim Dzsongun", external_id="Q56226")
        [error] = import_json(jsonl(tmp_path, kim(wikidata="Q1")))[1]["errors"]
        assert error["error"] == "“Kim Dzsongun” (person) has the QID Q56226, not Q1"
        assert Entity.objects.get().external_id == "Q56226"

    def test_a_spelling_of_two_entities_is_refused_as_ambiguous(self, db, tmp_path):
        make_entity("Kim Dzsongun", aliases=["Kim"])
        make_entity("Kim Dzsong Il", aliases=["Kim"])
        [error] = import_json(jsonl(tmp_path, {"name": "kim", "kind": "person"}))[1]["errors"]
        assert error["error"] == (
            "“kim” is another spelling of “Kim Dzsong Il” (person), “Kim Dzsongun” (person): "
            "give the name or the QID of one"
        )

    @pytest.mark.parametrize(
        ("text", "line", "reason"),
        [
            ("", 1, "empty file: the first line names the columns"),
            ("name,kind,alias\nKim Dzsongun,person,Kim\n", 1, 'unknown column "alias": the columns are name, kind,'),
            ("name,aliases\nKim Dzsongun,Kim\n", 1, "no kind column"),
            ("name,kind,name\n", 1, "the column name is named twice"),
            ("name,kind\nPhenjan,place\nKim Dzsongun,person,Q56226\n", 3, "3 cells, but the header names 2 columns"),
            ('name,kind\nPhenjan,place\n"Kim Dzsongun,person\n', 3, "not valid CSV: unexpected end of data"),
            ("name,kind,wikidata\nPhenjan,place,\nKim Dzsongun,person,Q0\n", 3, '"Q0" is not a Wikidata QID'),
            ("name,kind\nPhenjan,place\nOrb\xe1n,person\n", 3, "not valid UTF-8"),
        ],
    )
    def test_a_bad_csv_file_is_reported_on_its_line(self, tmp_path, text, line, reason):
        path = tmp_path / "bad.csv"
        path.write_bytes(text.encode("latin-1") if "\xe1" in text else text.encode())
        [error] = import_json(path)[1]["errors"]
        assert error["line"] == line
        assert reason in error["error"]
        assert not Entity.objects.exists()

    def test_a_file_that_cannot_be_read_or_of_no_known_format_is_one_error(self, tmp_path):
        (tmp_path / "catalogue.txt").write_text("name,kind\n")
        (tmp_path / "utf16.csv").write_bytes("name,kind\n".encode("utf-16"))
        status, report = import_json(tmp_path / "missing.jsonl", tmp_path / "catalogue.txt", tmp_path / "utf16.csv")
        assert status == 1
        assert report["errors"] == [
            {
                "file": str(tmp_path / "missing.jsonl"),
                "line": None,
                "error": "cannot read the file: No such file or directory",
            },
            {
                "file": str(tmp_path / "catalogue.txt"),
                "line": None,
                "error": "unknown format: name the file .jsonl or .csv, or give --format",
            },
            {"file": str(tmp_path / "utf16.csv"), "line": None, "error": "UTF-16 text: save the file as UTF-8"},
        ]

    def test_format_overrides_the_file_name(self, tmp_path):
        (tmp_path / "catalogue.txt").write_text("name,kind\nPhenjan,place\n")
        assert import_json("--format", "csv", tmp_path / "catalogue.txt")[1]["created"] == 1


@pytest.mark.django_db
class TestActingUser:
    def test_an_editor_may_import(self, editor, tmp_path):
        assert import_json("--user", editor.username, jsonl(tmp_path, kim()))[1]["created"] == 1

    def test_someone_without_the_entity_permissions_is_refused_before_anything_is_read(self, stranger, tmp_path):
        with pytest.raises(CommandError, match="zoltan may not add and change entities") as refusal:
            import_entities("--user", stranger.username, jsonl(tmp_path, kim()))
        assert refusal.value.returncode == 2
        assert not Entity.objects.exists()

    def test_an_unknown_user_is_refused(self, tmp_path):
        with pytest.raises(CommandError, match="no user named 'nobody'") as refusal:
            import_entities("--user", "nobody", jsonl(tmp_path, kim()))
        assert refusal.value.returncode == 2


def test_the_write_path_checks_the_acting_users_permission(stranger):
    reading = read(b'{"name": "Kim Dzsongun", "kind": "person"}', Format.JSONL)
    with pytest.raises(PermissionDenied):
        merge(reading, by=stranger)
    assert not Entity.objects.exists()


def test_reading_is_pure_and_numbers_lines_from_one():
    reading = read('\ufeff{"name": "Kim Dzsongun", "kind": "person"}\r\n\r\n{"kind": "place"}'.encode(), Format.JSONL)
    assert [(entry.line, entry.name) for entry in reading.entries] == [(1, "Kim Dzsongun")]
    assert [(error.line, error.error) for error in reading.errors] == [(3, "no name")]


@pytest.mark.django_db(transaction=True)
class TestInAProcess:
    """The commands as an admin runs them: exit status, standard output's bytes, the text report."""

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=process_env(LANG="C"), capture_output=True, timeout=120
        )

    def test_a_terminal_sees_a_progress_bar(self, tmp_path):
        path = jsonl(tmp_path, kim(), {"name": "Phenjan", "kind": "place"})
        leader, follower = pty.openpty()
        try:
            process = subprocess.run(
                [sys.executable, "manage.py", "import_entities", str(path)],
                cwd=ROOT,
                env=process_env(),
                stdout=subprocess.PIPE,
                stderr=follower,
                timeout=120,
            )
            os.close(follower)
            terminal = b""
            with contextlib.suppress(OSError):  # the terminal reports its end as an error
                while chunk := os.read(leader, 4096):
                    terminal += chunk
        finally:
            os.close(leader)
        assert process.returncode == 0
        assert b"] 2/2" in terminal
        assert process.stdout == b"2 entries: 2 created, 0 updated, 0 unchanged\n"

    def test_a_failed_line_is_named_on_stderr_and_exits_1(self, tmp_path):
        path = jsonl(tmp_path, kim(), {"name": "Phenjan", "kind": "város"})

        process = self.run("import_entities", str(path))

        assert process.returncode == 1
        assert process.stderr.decode().splitlines() == [
            f'{path}:2: unknown kind "város": one of person, organisation, place, other',
            f"{path}: nothing of this file was stored",
        ]
        assert process.stdout.decode().splitlines() == [
            "0 entries: 0 created, 0 updated, 0 unchanged",
            "1 file not stored, errors: 1",
        ]
        assert not Entity.objects.exists()

    def test_a_clean_import_exits_0_and_the_export_on_stdout_is_the_file_byte_for_byte(self, tmp_path):
        path = jsonl(
            tmp_path,
            kim(aliases=["Kim Jong Un"], description="„Vezető” 🇰🇵", wikidata="Q56226"),
            {"name": "Phenjan", "kind": "place", "aliases": [], "description": "", "wikidata": ""},
        )
        process = self.run("import_entities", str(path))
        assert (process.returncode, process.stdout, process.stderr) == (
            0,
            b"2 entries: 2 created, 0 updated, 0 unchanged\n",
            b"",
        )

        exported = self.run("export_entities")
        assert (exported.returncode, exported.stdout) == (0, path.read_bytes())
