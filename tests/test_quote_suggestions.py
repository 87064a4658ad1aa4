import json
from io import StringIO

import pytest
from django.core.management import call_command

from suggestions.attribution import QuoteRecogniser, SourceRecogniser, base_form
from suggestions.recognisers import CatalogueEntry, CatalogueMentions
from tests.conftest import SAMPLE_SEED
from tests.factories import make_entity

CATALOGUE = [
    CatalogueEntry(7, "Kim Dzsongun", "person", ("Kim Jong Un",)),
    CatalogueEntry(12, "Reuters", "organisation"),
]
MENTIONS = CatalogueMentions(CATALOGUE)


def quotes(body: str):
    return QuoteRecogniser(MENTIONS.suggest).suggest(body)


def sources(body: str):
    return SourceRecogniser(MENTIONS.suggest).suggest(body)


@pytest.mark.parametrize(
    ("body", "text", "speaker", "cue"),
    [
        ("„Nem engedünk” – mondta Kovács János.", "Nem engedünk", "Kovács János", "mondta"),
        ("„Ez fontos” – tette hozzá Tóth Eszter.", "Ez fontos", "Tóth Eszter", "tette hozzá"),
        ("„Nincs pénz” – jelentette ki kedden Varga Mihály.", "Nincs pénz", "Varga Mihály", "jelentette ki"),
        ("„Jól döntöttünk” – hangsúlyozta Szabó Anna, a párt elnöke.", "Jól döntöttünk", "Szabó Anna", "hangsúlyozta"),
        ("„Nem tudom” – nyilatkozta a Reutersnek Kiss Balázs.", "Nem tudom", "Kiss Balázs", "nyilatkozta"),
        ("„Nem hátrálunk,” mondta Nagy Gábor.", "Nem hátrálunk", "Nagy Gábor", "mondta"),
        ('"Ez elfogadhatatlan" - mondta Papp Dániel.', "Ez elfogadhatatlan", "Papp Dániel", "mondta"),
        ("»Megoldjuk« – fogalmazott Fekete Zsófia.", "Megoldjuk", "Fekete Zsófia", "fogalmazott"),
        # a given name ending like a case ending is still the speaker's; a page's name is not
        ("„Nem emelkedik” – ígérte Lantos Csaba miniszter.", "Nem emelkedik", "Lantos Csaba", "ígérte"),
        ("„Megérte” – írta Instagram-oldalán Palvin Barbara.", "Megérte", "Palvin Barbara", "írta"),
        # a past-tense verb after the dash is the attribution even when not among the cues
        ("„Drága volt” – sóhajtott Palvin Barbara.", "Drága volt", "Palvin Barbara", "sóhajtott"),
    ],
)
def test_it_finds_a_direct_quote_with_the_attribution_after_it(body, text, speaker, cue):
    [quote] = quotes(body)
    assert (quote.text, quote.entity, quote.cue, quote.direct, quote.rule) == (text, speaker, cue, True, "quote-after")


@pytest.mark.parametrize(
    ("body", "text", "speaker", "cue", "rule"),
    [
        (
            "Nagy Gábor így fogalmazott: „Ez a döntés évekre szól.”",
            "Ez a döntés évekre szól.",
            "Nagy Gábor",
            "fogalmazott",
            "quote-before",
        ),
        (
            "Az ülés után Oláh Krisztina elmondta: „Mindkét fél engedett.”",
            "Mindkét fél engedett.",
            "Oláh Krisztina",
            "elmondta",
            "quote-before",
        ),
        ("Horváth Ildikó: „Nem lesz tanárhiány.”", "Nem lesz tanárhiány.", "Horváth Ildikó", None, "quote-colon"),
    ],
)
def test_it_finds_a_direct_quote_with_the_attribution_before_it(body, text, speaker, cue, rule):
    [quote] = quotes(body)
    assert (quote.text, quote.entity, quote.cue, quote.rule) == (text, speaker, cue, rule)


def test_an_interrupted_quote_is_two_quotes_of_one_speaker():
    body = "„Minden beteget ellátunk – tette hozzá Tóth Eszter –, de a várakozás hosszabb lesz.”"
    assert [(q.text, q.entity, q.cue, q.rule) for q in quotes(body)] == [
        ("Minden beteget ellátunk", "Tóth Eszter", "tette hozzá", "quote-interrupted"),
        ("de a várakozás hosszabb lesz.", "Tóth Eszter", "tette hozzá", "quote-interrupted"),
    ]


def test_the_span_is_the_words_inside_the_marks():
    body = "Előtte. „ Nem engedünk ” – mondta Kovács János."
    [quote] = quotes(body)
    assert quote.text == "Nem engedünk"
    assert body[quote.start - 2] == "„" and body[quote.end + 1] == "”"


@pytest.mark.parametrize(
    "body",
    [
        "A „szakértők” szerint minden rendben van.",
        "A „Hideg napok” című film tavasszal kerül a mozikba.",
        "A csapat »történelmi« győzelmet aratott.",
        "Elolvasta a „Szép új világ” című regényt, aztán a „Bűn és bűnhődés” újabb kiadását.",
    ],
)
def test_a_scare_quote_or_a_title_is_not_a_quote(body):
    assert quotes(body) == []
    assert [s.text for s in sources(body)] == []


def test_a_speaker_in_the_catalogue_is_linked():
    [quote] = quotes("„Hősök voltak” – mondta Kim Dzsong Un akkor.")
    assert (quote.entity, quote.entity_id, quote.entity_kind) == ("Kim Dzsongun", 7, "person")


@pytest.mark.parametrize(
    ("body", "speaker", "kind"),
    [
        ("„A határ nyitva” – közölte a minisztérium.", "minisztérium", "organisation"),
        ("„Nem tárgyalunk” – mondta a politikus.", "politikus", "person"),
        ("„Nincs baj” – közölte a rendőrség szóvivője.", "rendőrség szóvivője", "organisation"),
        ("„Jövőre indulok” – mondta Karácsony Gergely.", "Karácsony Gergely", "person"),
    ],
)
def test_a_speaker_not_in_the_catalogue_is_proposed_with_a_kind(body, speaker, kind):
    [quote] = quotes(body)
    assert (quote.entity, quote.entity_id, quote.entity_kind) == (speaker, None, kind)


def test_a_quote_with_no_one_named_after_it_has_no_speaker():
    [quote] = quotes("„Ezt már tavaly is jeleztük” – tette hozzá.")
    assert (quote.text, quote.entity, quote.cue) == ("Ezt már tavaly is jeleztük", None, "tette hozzá")


@pytest.mark.parametrize(
    ("name", "base"),
    [("Orbán Viktornak", "Orbán Viktor"), ("ORFK-ra", "ORFK"), ("Moszkvára", "Moszkva"), ("Reutersre", "Reuters")],
)
def test_a_name_with_a_case_ending_is_given_in_its_base_form(name, base):
    assert base_form(name) == base


def test_it_keeps_offsets_after_emoji():
    body = "😀🎉 „Jövőre újra indulok” – jelentette be Karácsony Gergely 😀. Az MTI 🎉 szerint igen."
    [quote] = quotes(body)
    assert body[quote.start : quote.end] == quote.text == "Jövőre újra indulok"
    assert quote.start == 4
    assert [(s.text, body[s.start : s.end]) for s in sources(body)] == [("MTI", "MTI")]


@pytest.mark.parametrize(
    ("body", "text", "speaker", "cue"),
    [
        (
            "Farkas Zoltán azt mondta, hogy a határidőt nem lehet tartani.",
            "a határidőt nem lehet tartani",
            "Farkas Zoltán",
            "mondta",
        ),
        (
            "A tárca közölte, hogy a tartalékokat nem kell felhasználni.",
            "a tartalékokat nem kell felhasználni",
            "tárca",
            "közölte",
        ),
        (
            "Fekete Zsófia azt állította, hogy a pályázat szabálytalan volt.",
            "a pályázat szabálytalan volt",
            "Fekete Zsófia",
            "állította",
        ),
        (
            "Lakatos Márta kifejtette, hogy a felújítás elkezdődött – írta a lap.",
            "a felújítás elkezdődött",
            "Lakatos Márta",
            "kifejtette",
        ),
    ],
)
def test_it_finds_an_indirect_quote_from_hogy_to_the_sentence_end(body, text, speaker, cue):
    [quote] = quotes(body)
    assert (quote.text, quote.entity, quote.cue, quote.direct, quote.rule) == (
        text,
        speaker,
        cue,
        False,
        "quote-indirect",
    )


def test_two_indirect_quotes_joined_by_es_are_each_their_speakers():
    body = (
        "Putyin bejelentette, hogy visszafoglalták a régiót, és Geraszimov azt is megerősítette, hogy sokan harcoltak."
    )
    assert [(q.text, q.entity) for q in quotes(body)] == [
        ("visszafoglalták a régiót", "Putyin"),
        ("sokan harcoltak", "Geraszimov"),
    ]


@pytest.mark.parametrize(
    ("body", "text", "entity", "rule"),
    [
        ("Az MTI szerint ezren voltak.", "MTI", "MTI", "source-szerint"),
        ("A TASZSZ hírügynökség szerint Sojgu megérkezett.", "TASZSZ", "TASZSZ", "source-szerint"),
        ("A KSH adatai szerint nőtt az infláció.", "KSH", "KSH", "source-szerint"),
        (
            "A kormány szóvivője szerint a munka folytatódik.",
            "kormány szóvivője",
            "kormány szóvivője",
            "source-szerint",
        ),
        ("Az Index úgy tudja, hogy a ruha drága volt.", "Index", "Index", "source-tudja"),
        ("Az ORFK-ra hivatkozva írták meg.", "ORFK-ra", "ORFK", "source-hivatkozva"),
        ("A hírt az ügyészségre hivatkozva közölték.", "ügyészségre", "ügyészség", "source-hivatkozva"),
        ("A Reutersre hivatkozva írták meg.", "Reutersre", "Reuters", "source-hivatkozva"),
        ("A látogatást nem erősítették meg – írja az ABC News.", "ABC News", "ABC News", "source-cue"),
        (
            "Phenjanba utazott – közölte kedden az orosz állami média.",
            "orosz állami média",
            "orosz állami média",
            "source-cue",
        ),
    ],
)
def test_it_finds_a_source_and_who_is_behind_it(body, text, entity, rule):
    [source] = sources(body)
    assert (source.text, source.entity, source.rule) == (text, entity, rule)


def test_a_photo_credit_names_each_source():
    body = "A parádén. Forrás: Dmitry Astakhov / Sputnik / AFP."
    assert [(s.text, s.entity_kind) for s in sources(body)] == [
        ("Dmitry Astakhov", "person"),
        ("Sputnik", "organisation"),
        ("AFP", "organisation"),
    ]


def test_a_source_in_the_catalogue_is_linked_and_a_relative_pronoun_is_not_a_source():
    [source] = sources("A Reuters szerint megállapodtak. Kovács, aki szerint nem, hallgatott.")
    assert (source.entity, source.entity_id) == ("Reuters", 12)


def test_a_quotes_attribution_is_not_also_a_source():
    assert sources("„Nem tudjuk, mikor lesz vége” – írta a MÁV.") == []


@pytest.mark.django_db
def test_the_command_shows_the_sample_articles_quote_and_sources():
    kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    out = StringIO()
    call_command("suggest", "--json", str(SAMPLE_SEED), stdout=out)
    [file] = json.loads(out.getvalue())["files"]
    found = file["suggestions"]
    [direct] = [s for s in found if s["kind"] == "quote" and s["direct"]]
    assert direct["text"].startswith("akik az igazságért harcoltak")
    assert (direct["entity"], direct["entity_id"], direct["cue"]) == ("Kim Dzsongun", kim.pk, "mondta")
    assert {s["text"] for s in found if s["kind"] == "source"} >= {"TASZSZ", "ABC News", "orosz állami média"}
    indirect = {s["entity"] for s in found if s["kind"] == "quote" and s["direct"] is False}
    assert {"Putyin", "Valerij Geraszimov", "észak-koreai vezető"} <= indirect
