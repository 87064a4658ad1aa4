import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from entities.models import Entity
from imports.seedfile import parse_seed_file
from suggestions import suggesting
from suggestions.recognisers import CatalogueEntry, CatalogueMentions, Suggestion
from tests.conftest import SAMPLE_SEED
from tests.factories import make_article, make_entity

CATALOGUE = [
    CatalogueEntry(1, "Szergej Sojgu", "person", ("Sojgu",)),
    CatalogueEntry(2, "Phenjan", "place"),
    CatalogueEntry(3, "Oroszország", "place"),
    CatalogueEntry(4, "Orbán Viktor", "person"),
    CatalogueEntry(5, "Moszkva", "place"),
    CatalogueEntry(6, "Európa", "place"),
    CatalogueEntry(7, "Kim Dzsongun", "person", ("Kim Jong Un",)),
    CatalogueEntry(8, "Kovács János", "person", ("Kovács",)),
    CatalogueEntry(9, "Európai Unió", "organisation", ("EU",)),
    CatalogueEntry(10, "ENSZ", "organisation"),
    CatalogueEntry(11, "Magyar Nemzeti Bank", "organisation"),
]


def mentions(body: str, catalogue=CATALOGUE) -> list[tuple[str, str]]:
    return [(s.text, s.entity) for s in CatalogueMentions(catalogue).suggest(body)]


@pytest.mark.parametrize(
    ("body", "text", "entity"),
    [
        ("Phenjanba utazott.", "Phenjanba", "Phenjan"),  # -ba
        ("Oroszországban élnek.", "Oroszországban", "Oroszország"),  # -ban
        ("Sojgunak szólt.", "Sojgunak", "Szergej Sojgu"),  # -nak, through the alias
        ("Látta Orbán Viktort.", "Orbán Viktort", "Orbán Viktor"),  # -t on the last of two words
        ("Moszkvába repült.", "Moszkvába", "Moszkva"),  # final a lengthened
        ("Európában nő.", "Európában", "Európa"),
        ("Moszkváról írt.", "Moszkváról", "Moszkva"),  # -ról
        ("Phenjanhoz közel.", "Phenjanhoz", "Phenjan"),  # -hoz
        ("Oroszországért tett.", "Oroszországért", "Oroszország"),  # -ért
        ("Phenjanig ment.", "Phenjanig", "Phenjan"),  # -ig
        ("Moszkvaként ismert.", "Moszkvaként", "Moszkva"),  # -ként
        ("Sojguék is jöttek.", "Sojguék", "Szergej Sojgu"),  # -ék
        ("Sojgué a döntés.", "Sojgué", "Szergej Sojgu"),  # -é
        ("Orbán Viktorral beszélt.", "Orbán Viktorral", "Orbán Viktor"),  # -val assimilated
        ("Kováccsal beszélt.", "Kováccsal", "Kovács János"),  # -val assimilated to a digraph
        ("Sojguval beszélt.", "Sojguval", "Szergej Sojgu"),  # -val after a vowel
        ("Az EU-ban élnek.", "EU-ban", "Európai Unió"),  # hyphenated
        ("Az ENSZ-nek írt.", "ENSZ-nek", "ENSZ"),
        ("A Magyar Nemzeti Bankhoz fordult.", "Magyar Nemzeti Bankhoz", "Magyar Nemzeti Bank"),
    ],
)
def test_it_finds_a_name_with_its_hungarian_ending(body, text, entity):
    assert mentions(body) == [(text, entity)]


def test_it_finds_another_transliteration_of_a_catalogued_spelling():
    found = CatalogueMentions(CATALOGUE).suggest("Kim Jong Un és Kim Dzsong Un, majd Kim Dzsongunnal.")
    assert [(s.text, s.entity, s.rule) for s in found] == [
        ("Kim Jong Un", "Kim Dzsongun", "catalogue-name"),
        ("Kim Dzsong Un", "Kim Dzsongun", "catalogue-spelling"),
        ("Kim Dzsongunnal", "Kim Dzsongun", "catalogue-suffix"),
    ]


def test_it_does_not_take_a_similar_name_for_a_different_person():
    assert mentions("Kim Dzsong Il és Kim Jong Il apja volt.") == []


def test_it_does_not_take_a_surname_alias_inside_another_name():
    catalogue = [CatalogueEntry(7, "Kim Dzsongun", "person", ("Kim",))]
    assert mentions("Kim Dzsong Il beszélt.", catalogue) == []
    assert mentions("Kim beszélt.", catalogue) == [("Kim", "Kim Dzsongun")]


def test_it_takes_a_surname_alone_only_when_catalogued_as_an_alias():
    assert mentions("Orbán beszélt, Kovács hallgatott.") == [("Kovács", "Kovács János")]


def test_it_refuses_a_spelling_two_entities_share():
    catalogue = [CatalogueEntry(1, "Nagy Imre", "person"), CatalogueEntry(2, "Nagy Imre", "other")]
    assert mentions("Nagy Imrét temették.", catalogue) == []


def test_the_exact_spelling_settles_between_entities_spelt_alike():
    catalogue = [CatalogueEntry(1, "Unió", "organisation"), CatalogueEntry(2, "unió", "other")]
    assert mentions("Az Unió döntött.", catalogue) == [("Unió", "Unió")]


def test_it_does_not_take_a_lowercase_common_word_for_a_name():
    catalogue = [CatalogueEntry(1, "Magyar", "person"), CatalogueEntry(2, "Nagy", "person")]
    assert mentions("A magyar nagy ország.", catalogue) == []


def test_an_acronym_is_found_only_in_capitals():
    catalogue = [CatalogueEntry(1, "MI", "organisation")]
    assert mentions("Miért? Mi? A MI-nek írt.", catalogue) == [("MI-nek", "MI")]


def test_a_short_name_is_not_found_inside_a_longer_word():
    catalogue = [CatalogueEntry(1, "Eb", "other")]
    assert mentions("Ebben az évben az Eb-n.", catalogue) == [("Eb-n", "Eb")]


def test_it_keeps_offsets_after_emoji_and_accents():
    body = "🇭🇺 Árvíztűrő 😀 tükörfúrógép: Phenjanba érkezett Sojgu."
    found = CatalogueMentions(CATALOGUE).suggest(body)
    assert [(body[s.start : s.end], s.text) for s in found] == [("Phenjanba", "Phenjanba"), ("Sojgu", "Sojgu")]
    assert found[0].start == body.index("Phenjanba")


def test_a_suggestion_says_what_it_names_and_why():
    [suggestion] = CatalogueMentions(CATALOGUE).suggest("Sojgunak szólt.")
    assert suggestion == Suggestion(
        kind="entity",
        start=0,
        end=8,
        text="Sojgunak",
        rule="catalogue-suffix",
        confidence=0.9,
        entity="Szergej Sojgu",
        entity_id=1,
        entity_kind="person",
    )


SUGGESTION_KEYS = {
    "kind", "start", "end", "text", "entity", "entity_id", "entity_kind", "direct", "cue", "rule", "confidence",
    "source_type",
}  # fmt: skip


def run_suggest(*args) -> dict:
    out = StringIO()
    call_command("suggest", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_the_command_suggests_for_a_seed_file_against_the_catalogue(tmp_path):
    entity = make_entity("Szergej Sojgu", aliases=["Sojgu"])
    seed = tmp_path / "a.txt"
    seed.write_text(" date 2025-06\n😀 Sojgunak szólt Phenjanban.", encoding="utf-8")
    report = run_suggest(str(seed))
    [file] = report["files"]
    assert file["path"] == str(seed)
    [suggestion, new_name] = file["suggestions"]
    assert set(suggestion) == SUGGESTION_KEYS
    assert suggestion | {"confidence": None} == {
        "kind": "entity",
        "start": 2,
        "end": 10,
        "text": "Sojgunak",
        "entity": "Szergej Sojgu",
        "entity_id": entity.pk,
        "entity_kind": "person",
        "direct": None,
        "cue": None,
        "rule": "catalogue-suffix",
        "confidence": None,
        "source_type": None,
    }
    # A name not in the catalogue is a candidate entity: no id, its kind and base form proposed.
    assert new_name | {"confidence": None} == {
        "kind": "entity",
        "start": 17,
        "end": 27,
        "text": "Phenjanban",
        "entity": "Phenjan",
        "entity_id": None,
        "entity_kind": "place",
        "direct": None,
        "cue": None,
        "rule": "crf-names",
        "confidence": None,
        "source_type": None,
    }


@pytest.mark.django_db
def test_the_command_suggests_for_a_stored_article_and_sees_a_new_entity():
    article = make_article("Orbán Viktort kérdezték Moszkvában.")
    make_entity("Orbán Viktor")
    [file] = run_suggest("--article", str(article.pk))["files"]
    assert [(s["text"], s["entity_id"] is None) for s in file["suggestions"]] == [
        ("Orbán Viktort", False),
        ("Moszkvában", True),  # a new name, until the catalogue has it
    ]
    moszkva = make_entity("Moszkva", kind="place")
    [file] = run_suggest("--article", str(article.pk))["files"]
    assert file["path"] == f"article {article.pk}"
    assert [(s["text"], s["entity_kind"], s["entity_id"]) for s in file["suggestions"]] == [
        ("Orbán Viktort", "person", Entity.objects.get(name="Orbán Viktor").pk),
        ("Moszkvában", "place", moszkva.pk),
    ]


@pytest.mark.django_db
def test_the_command_reads_the_sample_seed_file_as_the_importer_stores_it():
    make_entity("Phenjan", kind="place")
    [file] = run_suggest(str(SAMPLE_SEED))["files"]
    body = parse_seed_file(SAMPLE_SEED.read_bytes(), max_bytes=10**7).body
    assert [s["text"] for s in file["suggestions"] if s["kind"] == "entity" and s["entity_id"]] == ["Phenjanba"]
    assert "Phenjanba" not in [s["text"] for s in file["suggestions"] if s["rule"] == "crf-names"]
    assert all(body[s["start"] : s["end"]] == s["text"] for s in file["suggestions"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give seed files"),
        (["/nonexistent/a.txt"], "no such file"),
        (["--article", "999999"], "no article with id 999999"),
    ],
)
def test_the_command_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("suggest", *args, stdout=StringIO())


@pytest.mark.django_db
def test_the_command_refuses_a_file_that_is_not_a_seed_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("no date here", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.txt: no date"):
        call_command("suggest", str(bad), stdout=StringIO())


@pytest.mark.django_db
def test_the_catalogue_is_compiled_once_until_it_changes():
    entity = make_entity("Szergej Sojgu")
    compiled = suggesting.catalogue_mentions()
    assert suggesting.catalogue_mentions() is compiled
    assert catalogued(suggesting.suggest("Sojgunak szólt.")) == []

    Entity.objects.filter(pk=entity.pk).update(aliases=["Sojgu"])  # a bulk change counts too
    assert catalogued(suggesting.suggest("Sojgunak szólt.")) == ["Szergej Sojgu"]

    entity.delete()
    assert catalogued(suggesting.suggest("Sojgunak szólt.")) == []


def catalogued(suggestions) -> list[str]:
    return [s.entity for s in suggestions if s.entity_id is not None]


def test_one_word_with_other_accents_is_another_word():
    catalogue = [CatalogueEntry(1, "Mara", "person"), CatalogueEntry(2, "Róma", "place")]
    assert mentions("Mára kész. Roma gyerekek Rómában, Marával.", catalogue) == [
        ("Rómában", "Róma"),
        ("Marával", "Mara"),
    ]


def test_an_article_at_the_start_of_a_sentence_is_not_part_of_another_spelling():
    catalogue = [CatalogueEntry(1, "ATV", "organisation"), CatalogueEntry(2, "Acer", "organisation")]
    assert mentions("A TV Rainnek nyilatkozott. A CERN épülete.", catalogue) == []


def test_a_name_ending_in_a_full_stop_keeps_it_and_a_handle_is_found_as_written():
    catalogue = [CatalogueEntry(1, "Natalie A.", "person"), CatalogueEntry(2, "@rahmamian", "person")]
    assert mentions("Natalie A. fotója, @rahmamian írta.", catalogue) == [
        ("Natalie A.", "Natalie A."),
        ("@rahmamian", "@rahmamian"),
    ]
