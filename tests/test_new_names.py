"""New names the catalogue does not hold: the CRF of suggestions/names.py, its base forms, and its place beside
the catalogue's mentions."""

import pytest

from suggestions.names import (
    KindTable,
    Lemmatiser,
    NewNames,
    name_key,
    new_names,
    outside,
    shape,
    span_features,
    spans,
    tokens,
)
from suggestions.recognisers import CatalogueEntry, CatalogueMentions


def found(body: str) -> list[tuple[str, str, str]]:
    # new_names() loads the model once per process: every test here shares it.
    return [(s.text, s.entity_kind, s.entity) for s in new_names().suggest(body)]


def test_a_person_is_proposed_with_the_ending_in_the_span_and_off_the_base_form():
    body = "A rendőrség kedden őrizetbe vette Azimdzsan Aszkarovot, a helyi emberi jogi csoport vezetőjét."
    assert ("Azimdzsan Aszkarovot", "person", "Azimdzsan Aszkarov") in found(body)
    [suggestion] = [s for s in new_names().suggest(body) if s.text == "Azimdzsan Aszkarovot"]
    assert body[suggestion.start : suggestion.end] == "Azimdzsan Aszkarovot"
    assert suggestion.kind == "entity"
    assert suggestion.entity_id is None
    assert suggestion.rule == "crf-names"
    assert 0 < suggestion.confidence <= 1


def test_a_place_with_a_case_ending_is_proposed_in_its_base_form():
    assert ("Kijevben", "place", "Kijev") in found("A tárgyalásokat jövő héten Kijevben folytatják.")


def test_an_organisation_is_proposed():
    body = "Az Európai Központi Bank csütörtökön ismét emelte az alapkamatot."
    assert ("Európai Központi Bank", "organisation", "Európai Központi Bank") in found(body)


def test_offsets_count_code_points_after_emoji():
    body = "😀 A tárgyalásokat jövő héten Kijevben folytatják."
    [suggestion] = new_names().suggest(body)
    assert body[suggestion.start : suggestion.end] == "Kijevben"


def test_a_sentence_of_common_words_proposes_nothing():
    assert found("A kormány szerdán újabb intézkedéseket jelentett be a lakosság védelmére.") == []


def test_a_catalogued_mention_wins_over_a_new_name_on_it_or_overlapping_it():
    body = "Kim Dzsong Un tegnap Kijevben tárgyalt Azimdzsan Aszkarovval."
    catalogue = CatalogueMentions([CatalogueEntry(1, "Kim Dzsongun", "person"), CatalogueEntry(2, "Kijev", "place")])
    catalogued = catalogue.suggest(body)
    assert [s.text for s in catalogued] == ["Kim Dzsong Un", "Kijevben"]
    new = outside(new_names().suggest(body), catalogued)
    assert [s.text for s in new] == ["Azimdzsan Aszkarovval"]


def test_tokens_keep_hyphenated_endings_and_split_punctuation():
    assert [t[2] for t in tokens("Az EU-ban „Orbán” élt.")] == ["Az", "EU-ban", "„", "Orbán", "”", "élt", "."]
    assert tokens("😀 Kijevben", 10)[1] == (12, 20, "Kijevben")


def test_labels_become_spans_and_an_inside_label_after_outside_starts_one():
    assert spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-MISC"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
        (5, 6, "MISC"),
    ]


def test_shape_collapses_runs():
    assert [shape(w) for w in ("Aszkarovot", "EU-ban", "2019", "iPhone")] == ["Xx", "X-x", "d", "xXx"]


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("Saddam-tól", "Saddam"), ("Libanonban", "Libanon"), ("Aszkarovot", "Aszkarov"), ("Kijevben", "Kijev")],
)
def test_the_lemmatiser_takes_off_case_endings(word, lemma):
    assert new_names().lemmatise(word) == lemma


def test_the_lemmatiser_prefers_a_word_it_has_seen_and_leaves_punctuation():
    lemmatise = Lemmatiser({"words": {"Budapesten": "Budapest"}, "endings": {"en": [2, ""]}})
    assert lemmatise("Budapesten") == "Budapest"
    assert lemmatise("Szegeden") == "Szeged"
    assert lemmatise("–") == "–"


def test_an_unseen_name_headed_by_a_known_word_takes_its_kind_over_the_crfs():
    # 'Hegyibank' is no word of NerKor; its ending 'bank' heads organisations there. The CRF alone, reading the
    # first word 'Kárpáti' (of the Carpathians), calls the name a place.
    body = "Tegnap a Kárpáti Hegyibank is csatlakozott."
    assert found(body) == [("Kárpáti Hegyibank", "organisation", "Kárpáti Hegyibank")]
    crf_alone = NewNames()
    crf_alone.kinds = KindTable({"names": {}, "heads": {}})
    crf_alone.classifier = None
    assert [s.entity_kind for s in crf_alone.suggest(body)] == ["place"]


def without_table() -> NewNames:
    recogniser = NewNames()
    recogniser.kinds = KindTable({"names": {}, "heads": {}})
    return recogniser


def classified(sentence: str, first: int, last: int) -> str:
    """The kind classifier's most probable kind for words[first:last] of a sentence split on spaces."""
    recogniser = new_names()
    said = recogniser.classifier(span_features(sentence.split(), first, last, recogniser.lemmatise))
    return max(said, key=said.__getitem__)


def test_the_kind_classifier_calls_a_name_headed_by_an_unseen_compound_bank_an_organisation():
    assert classified("Tegnap a Kárpáti Hegyibank is csatlakozott .", 2, 4) == "ORG"
    # Without the kind table, the classifier turns the CRF's place into an organisation.
    assert [s.entity_kind for s in without_table().suggest("Tegnap a Kárpáti Hegyibank is csatlakozott.")] == [
        "organisation"
    ]


def test_the_kind_classifier_calls_a_town_with_an_inessive_ending_a_place():
    assert classified("A fesztivált idén Pusztaszabolcsban rendezik meg .", 3, 4) == "LOC"
    body = "A fesztivált idén Pusztaszabolcsban rendezik meg."
    assert ("Pusztaszabolcsban", "place") in [(s.text, s.entity_kind) for s in without_table().suggest(body)]


def test_the_kind_classifier_reads_the_words_around_a_name():
    # The same unknown word: a person when it follows 'mondta' (said), an organisation when its 'elnöke' (chairman)
    # follows it.
    assert classified("– Ez így nem mehet tovább – mondta Kvarkovics .", 7, 8) == "PER"
    assert classified("A Kvarkovics elnöke szerint a párt nem lép vissza .", 1, 2) == "ORG"


def test_the_kind_table_knows_whole_names_then_head_words_then_compound_heads_then_the_word_after():
    table = KindTable(
        {
            "names": {"duna": "LOC", "duna bank": "PER"},
            "heads": {"bank": "ORG", "utca": "LOC"},
            "after": {"szóvivője": "ORG"},
            "min_compound": 4,
        }
    )
    assert table("duna bank", "bank") == "PER"  # the whole name first
    assert table("kárpáti bank", "bank") == "ORG"
    assert table("kárpáti takarékbank", "takarékbank") == "ORG"
    assert table("kárpáti xbank", "xbank") is None  # 'x' is no word before the ending
    assert table("kárpáti", "kárpáti") is None  # a one-word name is its own head: the CRF's to judge
    assert table("kárpáti", "kárpáti", "szóvivője") == "ORG"
    assert table("duna", "duna", "szóvivője") == "LOC"


def test_a_names_key_is_its_base_forms_in_lower_case_without_punctuation():
    lemmatise = Lemmatiser({"words": {"Bankot": "Bank"}, "endings": {}})
    assert name_key(["Kárpáti", "Bankot"], lemmatise) == ("kárpáti bank", "bank")
    assert name_key(["Rábaközi", "Zrt", "."], lemmatise) == ("rábaközi zrt", "zrt")
