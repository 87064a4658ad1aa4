"""Annotations out: CSV for spreadsheets and JSON Lines (doccano's shape too), by the command."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.exporting import csv_lines, jsonl_lines
from annotations.models import Annotation
from articles.models import Article
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim 🚀 Dzsongun Phenjanba ment.\n\n„Hősök” – mondta Kim Dzsongun akkor."


@pytest.fixture
def annotated(editor):
    article = make_article(BODY)
    kim = make_entity("Kim Dzsongun", external_id="Q56226")
    make_annotation(article, *span_of(article, "Hősök"), kind="quote", author=editor, entity=kim, cue_verb="mondta")
    links = ["https://a.example/1", "https://b.example/2"]
    claim = {"kind": "claim", "verdict": "false", "note": '=HYPERLINK("http://evil")', "evidence": links}
    make_annotation(article, *span_of(article, "Phenjanba ment"), author=editor, **claim)
    make_annotation(article, *span_of(article, "Kim 🚀 Dzsongun"), author=editor, entity=kim)
    return article


def rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")  # spreadsheet programs then read the UTF-8 right
    return list(csv.DictReader(io.StringIO(text[1:])))


class TestCsv:
    def test_one_annotation_per_line_every_field_in_text_order(self, annotated):
        exported = rows("".join(csv_lines(Annotation.objects.all())))
        assert [row["text"] for row in exported] == ["Kim 🚀 Dzsongun", "Phenjanba ment", "Hősök"]
        quote = exported[2]
        assert (quote["kind"], quote["entity_name"], quote["entity_wikidata"], quote["cue_verb"]) == (
            "quote", "Kim Dzsongun", "Q56226", "mondta",
        )  # fmt: skip
        assert (quote["article_id"], quote["author"]) == (str(annotated.pk), "erika")
        claim = exported[1]
        assert claim["evidence"] == "https://a.example/1 | https://b.example/2"
        assert claim["verdict"] == "false"

    def test_no_cell_runs_as_a_formula(self, annotated):
        claim = rows("".join(csv_lines(Annotation.objects.filter(kind="claim"))))[0]
        assert claim["note"] == '\'=HYPERLINK("http://evil")'


class TestJsonLines:
    def test_one_article_per_line_with_its_text_and_doccano_labels(self, annotated):
        (line,) = list(jsonl_lines(Article.objects.all(), Annotation.objects.all()))
        article = json.loads(line)
        assert article["text"] == BODY
        for start, end, label in article["label"]:  # code points, as Python slices them
            assert label in {"ENTITY", "QUOTE", "CLAIM"}
            assert BODY[start:end] in {"Kim 🚀 Dzsongun", "Phenjanba ment", "Hősök"}
        quote = next(a for a in article["annotations"] if a["kind"] == "quote")
        assert quote["entity"] == {"id": quote["entity"]["id"], "name": "Kim Dzsongun", "kind": "person",
                                   "wikidata": "Q56226"}  # fmt: skip
        assert "„Hősök”" in line  # Hungarian as written, not escaped

    def test_articles_without_annotations_are_left_out(self, annotated):
        make_article("Üres cikk, jelölés nélkül.")
        assert len(list(jsonl_lines(Article.objects.all(), Annotation.objects.all()))) == 1


class TestCommand:
    def test_it_writes_a_file_filtered_by_article(self, annotated, tmp_path, editor):
        other = make_article("Másik cikk Kim Dzsongunról.")
        make_annotation(other, *span_of(other, "Másik"), author=editor)
        target = tmp_path / "out.csv"
        call_command("export_annotations", "--format", "csv", "--article", str(other.pk), "--output", str(target))
        exported = rows(target.read_text(encoding="utf-8"))
        assert [row["text"] for row in exported] == ["Másik"]

    def test_an_unknown_article_or_date_is_refused_with_the_reason(self, annotated):
        with pytest.raises(CommandError, match="no article with id 999999"):
            call_command("export_annotations", "--article", "999999")
        with pytest.raises(CommandError, match="not a date"):
            call_command("export_annotations", "--since", "tegnap")
