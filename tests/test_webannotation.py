"""W3C Web Annotation export: valid JSON-LD that a processor expands, and every annotation valid
against a JSON Schema of the model's requirements.

The W3C context document (http://www.w3.org/ns/anno.jsonld) cannot be fetched here, and no
package on the registries this project uses ships it. tests/contexts/anno.jsonld is our own
transcription of it, from the term definitions of the Web Annotation Vocabulary (W3C
Recommendation, 2017): the same terms, IRIs and coercions (`body` to `oa:hasBody` as an IRI,
`items` to `as:items` as a list, `start` to `oa:start` as xsd:nonNegativeInteger, `purpose`
to `oa:hasPurpose` in the vocabulary, ...). pyld is pointed at it by a document loader that
refuses every other URL, so nothing is fetched from the network.
"""

import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from pyld import jsonld

from annotations import webannotation
from annotations.exporting import FORMATS, rows
from annotations.models import Annotation
from annotations.webannotation import W3C_CONTEXT, collection_lines, web_annotation
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
ANNO_CONTEXT = json.loads((HERE / "contexts" / "anno.jsonld").read_text())
SCHEMA = json.loads((HERE / "schemas" / "web-annotation.schema.json").read_text())
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
# Accents and an emoji (one code point, two UTF-16 units) before the spans.
BODY = "Árvíztűrő 🚀 tükörfúrógép. Kim Dzsongun Phenjanba ment.\n\n„Hősök” – mondta Kim Dzsongun akkor."


def local_contexts(url, options=None):
    if url != W3C_CONTEXT:
        raise jsonld.JsonLdError(f"Not fetching {url}: only the W3C context is known here.", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": ANNO_CONTEXT}


def expand(document) -> list:
    return jsonld.expand(document, {"documentLoader": local_contexts})


@pytest.fixture
def annotated(editor):
    article = make_article(BODY)
    kim = make_entity("Kim Dzsongun", external_id="Q56226")
    pyongyang = make_entity("Phenjan", kind="place")
    quote = {"kind": "quote", "entity": kim, "quote_type": "direct", "cue_verb": "mondta", "note": "Hangsúlyos."}
    make_annotation(article, *span_of(article, "Hősök"), author=editor, **quote)
    claim = {"kind": "claim", "verdict": "false", "evidence": ["https://a.example/1", "https://b.example/2"]}
    make_annotation(article, *span_of(article, "Phenjanba ment"), author=editor, **claim)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, entity=kim)
    make_annotation(article, *span_of(article, "Phenjanba"), author=editor, entity=pyongyang)
    make_annotation(article, *span_of(article, "mondta"), kind="source", author=editor, source_type="official")
    return article


def export() -> dict:
    return json.loads("".join(collection_lines(Annotation.objects.all())))


def annotations_of(document: dict) -> list[dict]:
    pages = [document["first"], *document.get("@included", [])]
    return [item for page in pages for item in page["items"]]


def nodes_of_type(expanded, kind: str) -> list[dict]:
    """Every node of the expanded document (nested ones too) with this type."""
    found = []

    def walk(value):
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if kind in value.get("@type", []):
                found.append(value)
            for item in value.values():
                walk(item)

    walk(expanded)
    return found


class TestJsonLd:
    def test_it_expands_to_annotations_with_targets_selectors_and_purposes(self, annotated):
        expanded = expand(export())
        annotations = nodes_of_type(expanded, OA + "Annotation")
        assert len(annotations) == 5
        for annotation in annotations:
            (target,) = annotation[OA + "hasTarget"]
            assert target[OA + "hasSource"] == [{"@id": f"http://localhost:8000/articles/{annotated.pk}/"}]
            types = {selector["@type"][0] for selector in target[OA + "hasSelector"]}
            assert types == {OA + "TextQuoteSelector", OA + "TextPositionSelector"}
            purposes = {purpose["@id"] for body in annotation[OA + "hasBody"] for purpose in body[OA + "hasPurpose"]}
            assert OA + "tagging" in purposes
        integer = "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"
        for position in nodes_of_type(expanded, OA + "TextPositionSelector"):
            (start,), (end,) = position[OA + "start"], position[OA + "end"]
            assert start["@type"] == end["@type"] == integer and start["@value"] < end["@value"]
        exact = {quote[OA + "exact"][0]["@value"] for quote in nodes_of_type(expanded, OA + "TextQuoteSelector")}
        assert exact == {"Hősök", "Phenjanba ment", "Kim Dzsongun", "Phenjanba", "mondta"}

    def test_our_own_terms_expand_under_the_newsroom_namespace(self, annotated):
        expanded = expand(export())
        ns = "http://localhost:8000/ns#"
        (quote,) = [a for a in nodes_of_type(expanded, OA + "Annotation") if ns + "cueVerb" in a]
        assert quote[ns + "cueVerb"] == [{"@value": "mondta"}]
        assert quote[ns + "quoteType"] == [{"@value": "direct"}]
        (claim,) = [a for a in nodes_of_type(expanded, OA + "Annotation") if ns + "evidence" in a]
        assert claim[ns + "evidence"] == [{"@list": [{"@id": "https://a.example/1"}, {"@id": "https://b.example/2"}]}]
        identifying = [b for b in quote[OA + "hasBody"] if b[OA + "hasPurpose"] == [{"@id": OA + "identifying"}]]
        assert identifying[0][OA + "hasSource"] == [{"@id": "http://www.wikidata.org/entity/Q56226"}]
        assert identifying[0][ns + "entityKind"] == [{"@value": "person"}]

    def test_the_collection_pages_expand_in_order(self, annotated, monkeypatch):
        monkeypatch.setattr(webannotation, "PAGE_SIZE", 2)
        expanded = expand(export())
        (collection,) = nodes_of_type(expanded, AS + "OrderedCollection")
        assert collection[AS + "totalItems"][0]["@value"] == 5
        pages = nodes_of_type(expanded, AS + "OrderedCollectionPage")
        assert sorted(page[AS + "startIndex"][0]["@value"] for page in pages) == [0, 2, 4]
        assert all(page[AS + "partOf"] == [{"@id": collection["@id"]}] for page in pages)

    def test_a_processor_is_never_sent_to_the_network(self):
        with pytest.raises(jsonld.JsonLdError):
            expand({"@context": "http://example.org/other.jsonld", "id": "urn:x"})


class TestSchema:
    def test_every_annotation_is_valid(self, annotated):
        validator = jsonschema.Draft202012Validator(SCHEMA)
        validator.check_schema(SCHEMA)
        for row in rows(Annotation.objects.all()):
            validator.validate(web_annotation(row))

    def test_the_schema_refuses_what_the_model_forbids(self, annotated):
        row = next(rows(Annotation.objects.all()))
        annotation = web_annotation(row)
        validator = jsonschema.Draft202012Validator(SCHEMA)
        for spoil in (
            lambda a: a.pop("target"),
            lambda a: a.update({"@context": "https://www.w3.org/ns/anno.jsonld"}),  # https: not the context
            lambda a: a["target"]["selector"][0].pop("exact"),
            lambda a: a["target"]["selector"][1].update({"start": -1}),
            lambda a: a["body"][0].update({"purpose": "liking"}),
        ):
            spoiled = json.loads(json.dumps(annotation))
            spoil(spoiled)
            assert not validator.is_valid(spoiled)


class TestMapping:
    def test_offsets_count_code_points_after_accents_and_emoji(self, annotated):
        for annotation in annotations_of(export()):
            quote, position = annotation["target"]["selector"]
            assert BODY[position["start"] : position["end"]] == quote["exact"]
            assert BODY[: position["start"]].endswith(quote["prefix"])
            assert BODY[position["end"] :].startswith(quote["suffix"])
        emoji_offset = BODY.index("🚀")
        kim = next(a for a in annotations_of(export()) if a["target"]["selector"][0]["exact"] == "Kim Dzsongun")
        assert kim["target"]["selector"][1]["start"] == BODY.index("Kim Dzsongun") > emoji_offset
        assert len(BODY[: kim["target"]["selector"][1]["start"]].encode("utf-16-le")) // 2 == 1 + BODY.index("Kim")

    def test_bodies_carry_kind_entity_verdict_and_note(self, annotated):
        by_text = {a["target"]["selector"][0]["exact"]: a for a in annotations_of(export())}
        quote = by_text["Hősök"]
        assert quote["body"] == [
            {"type": "TextualBody", "purpose": "tagging", "value": "quote"},
            {"type": "SpecificResource", "source": "http://www.wikidata.org/entity/Q56226",
             "entityName": "Kim Dzsongun", "purpose": "identifying", "entityKind": "person"},
            {"type": "TextualBody", "purpose": "commenting", "value": "Hangsúlyos.", "format": "text/plain"},
        ]  # fmt: skip
        assert (quote["quoteType"], quote["cueVerb"], quote["creator"]) == (
            "direct", "mondta", {"type": "Person", "nickname": "erika"},
        )  # fmt: skip
        place = by_text["Phenjanba"]["body"][1]
        assert place == {"type": "TextualBody", "value": "Phenjan", "purpose": "identifying", "entityKind": "place"}
        claim = by_text["Phenjanba ment"]
        assert claim["motivation"] == "assessing"
        assert claim["body"][1] == {"type": "TextualBody", "purpose": "assessing", "value": "false"}
        assert by_text["mondta"]["sourceType"] == "official"

    def test_addresses_come_from_the_newsroom_url(self, annotated, settings):
        settings.NEWSROOM_URL = "https://hirek.example.org/newsroom"
        row = next(rows(Annotation.objects.all()))
        annotation = web_annotation(row)
        article = f"https://hirek.example.org/newsroom/articles/{annotated.pk}/"
        assert annotation["id"] == f"{article}#a-{row.id}"
        assert annotation["target"]["source"] == article
        assert annotation["@context"][1]["newsroom"] == "https://hirek.example.org/newsroom/ns#"

    def test_inside_a_page_an_annotation_has_no_context_of_its_own(self, annotated):
        document = export()
        assert document["@context"][0] == W3C_CONTEXT
        assert all("@context" not in annotation for annotation in annotations_of(document))


class TestCollection:
    def test_pages_follow_the_first_each_naming_the_next(self, annotated, monkeypatch):
        monkeypatch.setattr(webannotation, "PAGE_SIZE", 2)
        document = export()
        first, *included = [document["first"], *document["@included"]]
        assert (document["type"], document["total"]) == ("AnnotationCollection", 5)
        assert document["last"] == included[-1]["id"]
        assert [page["startIndex"] for page in (first, *included)] == [0, 2, 4]
        assert [len(page["items"]) for page in (first, *included)] == [2, 2, 1]
        assert first["next"] == included[0]["id"] and included[0]["prev"] == first["id"]
        assert "next" not in included[-1]
        assert len({page["id"] for page in (first, *included)}) == 3

    def test_one_page_needs_nothing_included_and_none_needs_no_page(self, annotated):
        document = export()
        assert "@included" not in document and len(document["first"]["items"]) == 5
        Annotation.objects.all().delete()
        assert export()["total"] == 0 and "first" not in export()

    def test_the_command_writes_it(self, annotated, tmp_path):
        target = tmp_path / "out.jsonld"
        call_command("export_annotations", "--format", "w3c", "--output", str(target))
        assert len(annotations_of(json.loads(target.read_text(encoding="utf-8")))) == 5
        assert FORMATS["w3c"].extension == "jsonld"
