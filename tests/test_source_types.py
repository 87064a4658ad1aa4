"""A source's type, where the text tells it (suggestions.attribution.source_type): README.md, "Suggestions"."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from annotations.models import SourceType
from suggestions.attribution import SOURCE_TYPE_ORDER, SourceRecogniser
from suggestions.recognisers import CatalogueEntry, CatalogueMentions
from tests.conftest import SAMPLE_SEED

MENTIONS = CatalogueMentions([CatalogueEntry(12, "Reuters", "organisation")])


def sources(body: str):
    return SourceRecogniser(MENTIONS.suggest).suggest(body)


def test_the_types_are_the_annotations_source_types():
    assert set(SOURCE_TYPE_ORDER) == set(SourceType.values)


@pytest.mark.parametrize(
    ("body", "text", "kind"),
    [
        # news agencies: by name, with an ending, or by the word itself
        ("Az MTI szerint ezren voltak.", "MTI", "news_agency"),
        ("A TASZSZ hírügynökség szerint Sojgu megérkezett.", "TASZSZ", "news_agency"),
        ("A Reutersre hivatkozva írták meg.", "Reutersre", "news_agency"),
        ("A dpa szerint lezárták a határt.", "dpa", "news_agency"),
        ("A KCNA szerint a rakéta a tengerbe csapódott.", "KCNA", "news_agency"),
        ("A Bloomberg úgy tudja, hogy eladják a céget.", "Bloomberg", "news_agency"),
        ("A japán hírügynökség szerint a kormány lemond.", "japán hírügynökség", "news_agency"),
        # media: outlets by name, newspapers, television, portals, 'az állami média'
        ("A látogatást nem erősítették meg – írja az ABC News.", "ABC News", "media"),
        ("Phenjanba utazott – közölte kedden az orosz állami média.", "orosz állami média", "media"),
        ("A BBC szerint a választás szoros lesz.", "BBC", "media"),
        ("Az Index úgy tudja, hogy a ruha drága volt.", "Index", "media"),
        ("A brit napilap szerint a miniszter lemond.", "brit napilap", "media"),
        # official bodies and people
        ("A kormány szóvivője szerint a munka folytatódik.", "kormány szóvivője", "official"),
        ("A rendőrség szerint senki sem sérült meg.", "rendőrség", "official"),
        ("A külügyminisztérium közleménye szerint a nagykövet hazatért.", "külügyminisztérium", "official"),
        ("Az ORFK-ra hivatkozva írták meg.", "ORFK-ra", "official"),
        ("A KSH adatai szerint nőtt az infláció.", "KSH", "official"),
        # experts
        ("Egy elemző szerint ez hiba volt.", "elemző", "expert"),
        ("Kovács Péter, a Corvinus Egyetem professzora szerint nő az infláció.", "Corvinus Egyetem", "expert"),
        ("A biztonságpolitikai szakértő szerint a támadás várható volt.", "biztonságpolitikai szakértő", "expert"),
        # documents, with no one named behind them
        ("A jelentés szerint romlott a helyzet.", "jelentés", "document"),
        ("Egy friss tanulmány szerint a diákok fele szorong.", "friss tanulmány", "document"),
        # anonymous: an unnamed official is anonymous, not official
        (
            "Egy névtelenséget kérő diplomata szerint a tárgyalás megszakadt.",
            "névtelenséget kérő diplomata",
            "anonymous",
        ),
        ("A kormány közeli források szerint a döntés megszületett.", "kormány közeli források", "anonymous"),
    ],
)
def test_a_source_gets_the_type_its_words_tell(body, text, kind):
    [source] = sources(body)
    assert (source.text, source.source_type) == (text, kind)


@pytest.mark.parametrize(
    "body",
    [
        "Kovács Péter szerint nem lesz választás.",  # anyone: the text does not say who he is
        "Az Alapítvány szerint nőtt a támogatás.",  # 'alapján' and its kin are not a 'lap'
    ],
)
def test_a_source_whose_words_tell_nothing_has_no_type(body):
    [source] = sources(body)
    assert source.source_type is None


def test_each_source_of_a_photo_credit_has_its_own_type():
    body = "A parádén. Forrás: Dmitry Astakhov / Sputnik / AFP."
    assert [(s.text, s.source_type) for s in sources(body)] == [
        ("Dmitry Astakhov", None),
        ("Sputnik", "news_agency"),
        ("AFP", "news_agency"),
    ]


def test_a_name_is_not_taken_for_an_acronym_in_other_letters():
    # 'Ap' is not AP, 'Kim' not an office
    [source] = sources("Kim Ap szerint a határ nyitva van.")
    assert source.source_type is None


@pytest.mark.django_db
def test_the_command_prints_the_source_type_beside_the_keys_it_had():
    out = StringIO()
    call_command("suggest", "--json", str(SAMPLE_SEED), stdout=out)
    [file] = json.loads(out.getvalue())["files"]
    keys = {"kind", "start", "end", "text", "rule", "confidence", "entity", "entity_id", "entity_kind", "direct", "cue"}
    assert all(keys | {"source_type"} <= set(s) for s in file["suggestions"])
    types = {s["text"]: s["source_type"] for s in file["suggestions"] if s["kind"] == "source"}
    assert types["TASZSZ"] == "news_agency"
    assert types["ABC News"] == "media"
    assert types["orosz állami média"] == "media"
    assert types["AFP"] == "news_agency"
    assert all(s["source_type"] is None for s in file["suggestions"] if s["kind"] != "source")
