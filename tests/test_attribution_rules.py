"""Quote and source rules added after heldout3's first run (bench/suggest_quotes.py), tuned on dev."""

import pytest

from suggestions.attribution import QuoteRecogniser, SourceRecogniser
from suggestions.recognisers import CatalogueEntry, CatalogueMentions

MENTIONS = CatalogueMentions(
    [
        CatalogueEntry(4, "Orbán Viktor", "person", ("Orbán",)),
        CatalogueEntry(8, "Olaf Scholz", "person", ("Scholz",)),
    ]
)


def quotes(body: str):
    return QuoteRecogniser(MENTIONS.suggest).suggest(body)


def sources(body: str):
    return SourceRecogniser(MENTIONS.suggest).suggest(body)


@pytest.mark.parametrize(
    ("body", "text", "speaker"),
    [
        # the name given after a role and a comma speaks
        ("„Nem emelünk árat” – közölte a Volán igazgatója, Szalai Márk.", "Nem emelünk árat", "Szalai Márk"),
        # a catalogued surname that ends like a case ending ('-án') is a name
        ("„Ez nem vita tárgya” – szögezte le Orbán a folyosón.", "Ez nem vita tárgya", "Orbán Viktor"),
        # 'Ahogy' and 'Amint' begin a clause, not a name
        ("Ahogy Kerekes Anna fogalmazott: „Most kezdődik a munka.”", "Most kezdődik a munka.", "Kerekes Anna"),
        # an honorific is part of how a person is called
        ("„Ilyen telet még nem láttam” – sóhajtott Rozália néni.", "Ilyen telet még nem láttam", "Rozália néni"),
        # who, not where: a phrase in an oblique case is not the speaker
        ("„Mindent elvitt a víz” – mondta egy asszony a gáton.", "Mindent elvitt a víz", "asszony"),
        # a name, a title or a place, then a colon
        ("Sipos Edit karnagy: „A kórus jövőre Bécsben énekel.”", "A kórus jövőre Bécsben énekel.", "Sipos Edit"),
        ("Takács Péter a Facebookon: „Köszönjük a segítséget.”", "Köszönjük a segítséget.", "Takács Péter"),
        # present-tense storytelling cue, and 'annyit mondott:'
        ("„Minden nap hajnalban kelek” – meséli Bíró Ilona.", "Minden nap hajnalban kelek", "Bíró Ilona"),
        ("A szóvivő csak annyit mondott: „Nincs új fejlemény.”", "Nincs új fejlemény.", "szóvivő"),
    ],
)
def test_it_finds_the_speaker_of_a_direct_quote(body, text, speaker):
    [quote] = quotes(body)
    assert (quote.text, quote.entity, quote.direct) == (text, speaker, True)


@pytest.mark.parametrize(
    ("body", "text", "speaker"),
    [
        ("Scholz a vasárnapi interjúban bejelentette, hogy nem indul újra.", "nem indul újra", "Olaf Scholz"),
        ("Az MTI-re hivatkozva a Népszava azt írta, hogy a gyár bezár.", "a gyár bezár", "Népszava"),
        ("A polgármester arról beszélt, hogy a híd jövőre elkészül.", "a híd jövőre elkészül", "polgármester"),
        ("A tárca cáfolta, hogy leépítés jönne.", "leépítés jönne", "tárca"),
    ],
)
def test_it_finds_the_speaker_of_an_indirect_quote(body, text, speaker):
    [quote] = quotes(body)
    assert (quote.text, quote.entity, quote.direct) == (text, speaker, False)


def test_a_cue_inside_an_interrupted_quote_is_not_a_source():
    body = "„A bolt zárva lesz – írja honlapján a Posta –, a csomagokat a szomszédban adják ki.”"
    assert sources(body) == []
    assert [q.entity for q in quotes(body)] == ["Posta", "Posta"]


@pytest.mark.parametrize(
    ("body", "text", "kind"),
    [
        (
            "A Magyar Kereskedelmi és Iparkamara szerint a cégek bővítenek.",
            "Magyar Kereskedelmi és Iparkamara",
            "official",
        ),
        ("A dpa szerint a határ nyitva marad.", "dpa", "news_agency"),
        ("A Pénzcentrum.hu adatai szerint nőtt a kamat.", "Pénzcentrum.hu", "media"),
        ("Az OTP elemzői szerint a forint gyengül.", "OTP", "expert"),
        ("Kiss Ádám onkológus szerint a szűrés életet ment.", "Kiss Ádám", "expert"),
        ("A Fehér Ház szóvivője, John Kirby szerint jó irányba haladnak.", "John Kirby", "official"),
    ],
)
def test_it_finds_a_source_its_whole_name_and_its_type(body, text, kind):
    [source] = sources(body)
    assert (source.text, source.source_type) == (text, kind)
