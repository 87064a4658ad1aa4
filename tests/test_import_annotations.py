"""Annotations in: W3C JSON-LD or the export's JSON Lines, placed again in the text (re-anchored when
it moved), orphans reported with their reason, nothing added by a second import."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from annotations import importing, services
from annotations.exporting import FORMATS
from annotations.importing import FileRefused, import_annotations
from annotations.models import Annotation
from articles.models import Article
from entities.models import Entity
from history.models import Action, AnnotationEvent, Origin
from tests.factories import make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = (
    "Árvíztűrő 🚀 tükörfúrógép. Kim Dzsongun Phenjanba ment.\n\n"
    "„Hősök” – mondta Kim Dzsongun akkor. A TASZSZ hírügynökség szerint több mint 12 ezer katona vett részt."
)
OTHER = "Sojgu Phenjanba utazott. „Ez csak a kezdet” – mondta Sojgu."


def annotate(article, text, kind, *, by, occurrence=0, **details):
    start, end = span_of(article, text, occurrence)
    annotation = services.create_annotation(article=article, kind=kind, start=start, end=end, by=by).annotation
    verdict = details.pop("verdict", None)
    entity = details.pop("entity", None)
    if entity or details:
        services.update_annotation(annotation, by=by, entity=entity, **details)
    if verdict:
        services.set_verdict(annotation, verdict, by=by)
    return annotation


@pytest.fixture
def annotated(editor, other_editor):
    article, other = make_article(BODY), make_article(OTHER)
    kim = make_entity("Kim Dzsongun", external_id="Q56226")
    tass = make_entity("TASZSZ", kind="organisation")
    annotate(article, "Hősök", "quote", by=editor, entity=kim, quote_type="direct", cue_verb="mondta", note="Ő 🚀.")
    links = ["https://a.example/1", "https://b.example/2"]
    claim = {"entity": tass, "verdict": "mostly_true", "evidence": links, "note": "Forrás kell."}
    annotate(article, "több mint 12 ezer katona vett részt", "claim", by=other_editor, **claim)
    annotate(article, "Kim Dzsongun", "entity", by=editor, entity=kim)
    annotate(article, "Kim Dzsongun", "entity", by=editor, occurrence=1, entity=kim)
    annotate(article, "A TASZSZ hírügynökség szerint", "source", by=editor, entity=tass, source_type="news_agency")
    annotate(other, "Ez csak a kezdet", "claim", by=editor)
    annotate(other, "Sojgu", "entity", by=other_editor, occurrence=1)
    return article


def exported(fmt: str) -> bytes:
    return "".join(FORMATS[fmt].lines(Article.objects.all(), Annotation.objects.all())).encode()


SNAPSHOT_FIELDS = [
    "article__content_sha256", "kind", "start", "end", "exact", "prefix", "suffix", "entity__name", "entity__kind",
    "entity__external_id", "verdict", "verdict_set_by__username", "verdict_set_at", "quote_type", "cue_verb",
    "source_type", "note", "evidence", "author__username", "created_at", "updated_at",
]  # fmt: skip


def snapshot() -> list[tuple]:
    """Every field of every annotation, named the way any database would name it."""
    return sorted(map(repr, Annotation.objects.values_list(*SNAPSHOT_FIELDS)))


def fresh_database():
    """What another database holding the same articles looks like: the same texts under other ids,
    no annotations, no entities."""
    bodies = list(Article.objects.order_by("pk").values_list("body", flat=True))
    Annotation.objects.all().delete()
    Entity.objects.all().delete()
    Article.objects.all().delete()
    make_article("Egy másik cikk, hogy az azonosítók eltolódjanak.")
    for body in bodies:
        make_article(body)


def edit_body(article: Article, body: str) -> None:
    """The article's text changed (its annotations are gone first, as the database demands)."""
    Annotation.objects.filter(article=article).delete()
    Article.objects.filter(pk=article.pk).update(body=body, content_sha256=hashlib.sha256(body.encode()).hexdigest())


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["w3c", "jsonl"])
    def test_every_field_comes_back_in_a_fresh_database(self, annotated, admin, fmt):
        before, data = snapshot(), exported(fmt)
        fresh_database()
        report = import_annotations(data, by=admin)
        assert (report.created, report.present, report.orphans, report.moved) == (7, 0, [], [])
        assert snapshot() == before
        assert Entity.objects.get(external_id="Q56226").aliases == []  # the name as written is the name
        entities = {("Kim Dzsongun", "person"), ("TASZSZ", "organisation")}
        assert set(Entity.objects.values_list("name", "kind")) == entities

    @pytest.mark.parametrize("fmt", ["w3c", "jsonl"])
    def test_importing_twice_adds_nothing(self, annotated, admin, fmt):
        data = exported(fmt)
        fresh_database()
        import_annotations(data, by=admin)
        before, entities = snapshot(), Entity.objects.count()
        again = import_annotations(data, by=admin)
        assert (again.created, again.present, again.orphans) == (0, 7, [])
        assert snapshot() == before and Entity.objects.count() == entities

    def test_importing_into_the_same_database_finds_them_all_present(self, annotated, admin):
        before = snapshot()
        report = import_annotations(exported("w3c"), by=admin)
        assert (report.created, report.present) == (0, 7)
        assert snapshot() == before

    def test_history_records_them_as_an_import_by_the_importer(self, annotated, admin):
        data = exported("w3c")
        fresh_database()
        import_annotations(data, by=admin)
        imported = Annotation.objects.values("pk")
        events = AnnotationEvent.objects.filter(pgh_label=Action.CREATED, pgh_obj_id__in=imported)
        assert events.count() == 7
        assert {(event.origin, event.pgh_user) for event in events} == {(Origin.IMPORT, admin.pk)}

    def test_an_author_without_an_account_here_becomes_the_importer(self, annotated, admin, other_editor):
        data = exported("jsonl")
        Annotation.objects.all().delete()
        other_editor.username = "someone-else"
        other_editor.save()
        import_annotations(data, by=admin)
        authors = dict(Annotation.objects.values_list("exact", "author__username"))
        assert authors["Hősök"] == "erika"
        assert authors["több mint 12 ezer katona vett részt"] == "adel"


class TestReanchoring:
    def test_an_annotation_follows_its_text_when_it_moved(self, annotated, admin):
        data = exported("w3c")
        edit_body(annotated, "Új bekezdés került az elejére, 🙂 emojival.\n\n" + BODY)
        report = import_annotations(data, by=admin)
        assert report.orphans == [] and len(report.moved) == 5
        article = Article.objects.get(pk=annotated.pk)
        for annotation in Annotation.objects.filter(article=article):
            assert article.body[annotation.start : annotation.end] == annotation.exact
        moved = {(result.moved_from, (result.start, result.end)) for result in report.moved}
        shift = len("Új bekezdés került az elejére, 🙂 emojival.\n\n")
        hosok = span_of(Article(body=BODY), "Hősök")
        assert (hosok, (hosok[0] + shift, hosok[1] + shift)) in moved

    def test_of_several_occurrences_the_one_in_its_context_is_chosen(self, annotated, admin):
        data = exported("w3c")
        # The second "Kim Dzsongun" (after "mondta") is now preceded by a third one.
        edit_body(annotated, BODY.replace("akkor.", "akkor, Kim Dzsongun pedig hallgatott."))
        import_annotations(data, by=admin)
        article = Article.objects.get(pk=annotated.pk)
        starts = sorted(Annotation.objects.filter(article=article, kind="entity").values_list("start", flat=True))
        assert starts == [span_of(article, "Kim Dzsongun", 0)[0], span_of(article, "Kim Dzsongun", 1)[0]]

    def test_a_long_context_is_compared_near_the_quote_only(self, editor, admin, monkeypatch):
        # difflib's time grows with the product of the lengths: a file's prefix of 100,000 characters,
        # compared at each of hundreds of occurrences, kept a request busy for hours.
        sentence = "Kim Dzsongun Phenjanba ment, a nép ünnepelt. "
        article = make_article(sentence * 20 + "Sojgu Phenjanba utazott. " + sentence * 20)
        start, end = span_of(article, "Phenjanba", 20)
        line = {
            "content_sha256": article.content_sha256,
            "annotations": [{
                "kind": "entity", "text": "Phenjanba", "author": editor.username,
                "prefix": sentence * 2000 + "Sojgu ", "suffix": " utazott. " + sentence * 2000,
            }],
        }  # fmt: skip
        compared = []
        ratio = importing._ratio

        def measured(one, other):
            compared.append(max(len(one), len(other)))
            return ratio(one, other)

        monkeypatch.setattr(importing, "_ratio", measured)
        report = import_annotations(json.dumps(line).encode(), by=admin)
        assert (report.created, [(r.start, r.end) for r in report.results]) == (1, [(start, end)])
        assert max(compared) <= importing.CONTEXT_COMPARED

    def test_it_is_idempotent_after_re_anchoring(self, annotated, admin):
        data = exported("jsonl")
        edit_body(annotated, "Előtte. " + BODY)
        import_annotations(data, by=admin)
        again = import_annotations(data, by=admin)
        assert (again.created, again.present, len(again.orphans)) == (0, 7, 0)


class TestOrphans:
    def reasons(self, report) -> dict[str, str]:
        return {result.ref: result.reason for result in report.orphans}

    def test_a_quote_no_longer_in_the_text_is_an_orphan_with_the_reason(self, annotated, admin):
        data, quote = exported("w3c"), Annotation.objects.get(exact="Hősök")
        edit_body(annotated, BODY.replace("Hősök", "Bátrak"))
        report = import_annotations(data, by=admin)
        (orphan,) = report.orphans
        assert orphan.reason == "The quoted text is not in the article."
        assert orphan.ref == f"http://localhost:8000/articles/{annotated.pk}/#a-{quote.pk}"
        assert (report.created, report.present) == (4, 2)

    def test_an_unknown_article_is_an_orphan(self, annotated, admin, settings):
        data = exported("w3c")
        Article.objects.all().delete()
        make_article("Egészen más szöveg.")
        report = import_annotations(data, by=admin)
        assert len(report.orphans) == 7
        assert {result.reason for result in report.orphans} == {"No article here has this address or this text."}
        assert not Annotation.objects.exists()

    def test_an_ambiguous_place_is_an_orphan(self, editor, admin):
        article = make_article("Igen. Igen. Igen.")
        annotate(article, "Igen", "entity", by=editor, occurrence=1)
        data = exported("jsonl")
        edit_body(article, "Ó! Igen. Igen. Igen. Igen.")  # two places now have "Igen. " before and ". Igen." after
        (orphan,) = import_annotations(data, by=admin).orphans
        assert "fits its context equally" in orphan.reason

    def test_a_quote_out_of_its_context_is_not_placed(self, editor, admin):
        article = make_article("Kim Dzsongun Phenjanba ment tegnap délután a fővárosból.")
        annotate(article, "Phenjanba", "entity", by=editor)
        data = exported("jsonl")
        edit_body(article, "Egészen más mondat szól most Phenjanba arról, ami történt, semmi köze.")
        (orphan,) = import_annotations(data, by=admin).orphans
        assert orphan.reason == "The quoted text is in the article, but not with the text around it."

    def test_malformed_annotations_are_orphans_and_the_others_are_imported(self, annotated, admin):
        line = json.loads(exported("jsonl").decode().splitlines()[0])
        line["annotations"][0]["kind"] = "rumour"
        line["annotations"][1]["verdict"] = "false" if line["annotations"][1]["kind"] != "claim" else "perhaps"
        line["annotations"][2]["start"] = -3
        line["annotations"][3]["entity"] = {"name": "Kim", "kind": "person", "wikidata": "not-a-qid"}
        Annotation.objects.all().delete()
        report = import_annotations(json.dumps(line).encode(), by=admin)
        reasons = [result.reason for result in report.orphans]
        assert reasons == [
            "Unknown kind 'rumour': not source, quote, claim or entity.",
            reasons[1],
            "The position is not two offsets, the first before the second.",
            "'not-a-qid' is not a Wikidata ID.",
        ]
        assert "does not fit" in reasons[1]
        assert report.created == len(line["annotations"]) - 4

    def test_a_null_character_in_a_name_or_hash_is_an_orphan_not_a_database_error(self, annotated, admin):
        # PostgreSQL's text holds no NUL: looking up the author or the article by one would raise.
        line = json.loads(exported("jsonl").decode().splitlines()[0])
        line["annotations"][0]["author"] = "erika\u0000"
        Annotation.objects.all().delete()
        report = import_annotations(json.dumps(line).encode(), by=admin)
        assert [result.reason for result in report.orphans] == ["author holds a null character."]
        assert report.created == len(line["annotations"]) - 1
        line["annotations"][0]["author"] = "erika"
        line["content_sha256"] = "\u0000"
        report = import_annotations(json.dumps(line).encode(), by=admin)
        assert {result.reason for result in report.orphans} == {"contentSha256 holds a null character."}

    def test_one_the_database_refuses_is_an_orphan_and_the_rest_of_its_article_is_stored(
        self, annotated, admin, monkeypatch
    ):
        data = exported("w3c")
        fresh_database()
        store = services.import_annotation

        def refusing(**fields):
            # The first mention of Kim Dzsongun, which makes the entity: a NULL the database refuses.
            if fields["kind"] == "entity" and fields["start"] == BODY.index("Kim Dzsongun"):
                fields["note"] = None
            return store(**fields)

        monkeypatch.setattr(services, "import_annotation", refusing)
        report = import_annotations(data, by=admin)
        (orphan,) = report.orphans
        assert orphan.reason.startswith("It could not be stored: ")
        assert report.created == 6
        # The entity made in the refused savepoint went with it, and was made again for the quote.
        assert Annotation.objects.get(kind="quote").entity.external_id == "Q56226"


class TestFiles:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "The file is empty."),
            (b"\xff\xfe\x00", "The file is not UTF-8 text."),
            (b"<html>not json</html>", "neither JSON nor JSON Lines: line 1 is not JSON"),
            (b'{"type": "Person", "name": "Kim"}', "not a W3C Web Annotation document: an object of type Person"),
            (b"[1, 2]", "not a W3C Web Annotation document"),
            (b'{"type": 5}', "not a W3C Web Annotation document: an object of type none"),
            (b'{"a": 1}\n{"b": 2}\n', "Line 1 is not an article of the JSON Lines export"),
            # Deeper than Python's JSON reader goes, or than reading the W3C shapes goes after it.
            (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
            (b"[" * 990 + b'{"type": "Annotation"}' + b"]" * 990, "nested too deeply"),
            (b'{"annotations": []}\n' + b"[" * 100_000, "nested too deeply"),
            (b"[" + b"1" * 5000 + b"]", "nested too deeply, or holds a number too long"),
        ],
    )
    def test_a_file_that_is_not_annotations_is_refused_with_the_reason(self, admin, data, message):
        with pytest.raises(FileRefused, match=message):
            import_annotations(data, by=admin)

    def test_a_single_annotation_a_page_or_a_list_is_read_too(self, annotated, admin):
        document = json.loads(exported("w3c"))
        items = document["first"]["items"]
        standalone = {"@context": document["@context"], **items[0]}
        page = {"@context": document["@context"], "type": "AnnotationPage", "items": items}
        for data, count in ((standalone, 1), (page, 7), (items, 7)):
            report = import_annotations(json.dumps(data).encode(), by=admin)
            assert (report.present, report.orphans) == (count, [])

    def test_a_dry_run_stores_nothing(self, annotated, admin):
        data = exported("w3c")
        Annotation.objects.all().delete()
        report = import_annotations(data, by=admin, dry_run=True)
        assert report.created == 7 and not Annotation.objects.exists()


class TestCommand:
    def test_it_reports_what_it_did(self, annotated, admin, tmp_path, capsys):
        path = tmp_path / "annotations.jsonld"
        path.write_bytes(exported("w3c"))
        edit_body(annotated, "Előtte. " + BODY.replace("Hősök", "Bátrak"))
        call_command("import_annotations", str(path), "--as", admin.username)
        out = capsys.readouterr().out
        assert "created: 4" in out and "already present: 2" in out and "orphans: 1" in out
        assert "The quoted text is not in the article." in out
        assert "re-anchored (placed by their quote, not their offsets): 4" in out

    def test_json_report(self, annotated, admin, tmp_path, capsys):
        path = tmp_path / "annotations.jsonl"
        path.write_bytes(exported("jsonl"))
        call_command("import_annotations", str(path), "--as", admin.username, "--json", "--dry-run")
        report = json.loads(capsys.readouterr().out)
        assert (report["read"], report["present"], report["dry_run"]) == (7, 7, True)

    def test_bad_files_and_users_are_refused_without_a_traceback(self, admin, editor, tmp_path):
        bad = tmp_path / "bad.json"
        bad.write_text("nem json")
        with pytest.raises(CommandError, match=r"bad\.json: This is neither JSON nor JSON Lines"):
            call_command("import_annotations", str(bad), "--as", admin.username)
        with pytest.raises(CommandError, match="cannot read"):
            call_command("import_annotations", str(tmp_path / "missing.json"), "--as", admin.username)
        with pytest.raises(CommandError, match="no user named 'nobody'"):
            call_command("import_annotations", str(bad), "--as", "nobody")
        bad.write_text("[]")
        with pytest.raises(CommandError, match=r"erika: You may not import annotations\."):
            call_command("import_annotations", str(bad), "--as", editor.username)

    def test_an_editor_may_not_import(self, editor):
        with pytest.raises(PermissionDenied):
            import_annotations(b"[]", by=editor)
