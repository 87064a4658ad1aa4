"""What the annotation workflow reads from the text: word edges, quotes, attribution, entities."""

import pytest

from annotations.anchoring import is_direct_quote, snap_to_words, suggest_attribution
from entities.models import Entity
from entities.services import find_or_create_entity
from entities.spelling import transliteration_key
from tests.factories import make_entity

SAMPLE_QUOTE = (
    "Az oroszok után Észak-Korea is elismerte a katonák jelenlétét, „akik az igazságért harcoltak, "
    "mind hősök és a haza becsületének képviselői” – mondta Kim Dzsongun akkor."
)


def snapped(body: str, start: int, end: int) -> str | None:
    span = snap_to_words(body, start, end)
    return body[span[0] : span[1]] if span else None


class TestSnapToWords:
    def test_it_trims_spaces_and_punctuation_at_the_edges(self):
        body = "Kim Dzsongun, az észak-koreai vezető."
        assert snapped(body, 3, 13) == "Dzsongun"
        assert snapped(body, 13, len(body)) == "az észak-koreai vezető"

    def test_it_widens_a_partial_word_to_the_whole_word(self):
        body = "Kim Dzsongun Phenjanba utazott."
        assert snapped(body, 6, 15) == "Dzsongun Phenjanba"

    def test_hyphenated_words_and_hungarian_dates_stay_whole(self):
        body = "az észak-koreai katonák 2023. május 9-én"
        assert snapped(body, body.index("koreai"), body.index("koreai") + 3) == "észak-koreai"
        assert snapped(body, body.index("9"), body.index("9") + 1) == "9-én"

    def test_it_keeps_decomposed_accents_with_their_letter(self):
        body = "Sojgu e\u0301rkezett."
        assert snapped(body, 6, 8) == "e\u0301rkezett"

    def test_quotation_marks_are_trimmed_from_a_quote(self):
        start, end = SAMPLE_QUOTE.index("„"), SAMPLE_QUOTE.index("”") + 1
        assert snapped(SAMPLE_QUOTE, start - 1, end + 1).startswith("akik az")
        assert snapped(SAMPLE_QUOTE, start - 1, end + 1).endswith("képviselői")

    def test_a_selection_across_paragraphs_keeps_both_ends(self):
        body = "Első bekezdés vége.\n\nMásodik eleje."
        assert snapped(body, 14, 28) == "vége.\n\nMásodik"

    @pytest.mark.parametrize("selection", [" ", " – ", "„”", "\n\n"])
    def test_nothing_but_spaces_or_punctuation_is_refused(self, selection):
        body = f"Szó{selection}szó"
        assert snap_to_words(body, 3, 3 + len(selection)) is None


class TestQuotes:
    def test_a_span_in_quotation_marks_is_direct(self):
        start, end = SAMPLE_QUOTE.index("akik"), SAMPLE_QUOTE.index("”")
        assert is_direct_quote(SAMPLE_QUOTE, start, end)

    def test_a_reported_clause_is_indirect(self):
        body = "Az észak-koreai vezető azt mondta Sojgunak, hogy kormánya támogatni fogja Oroszországot."
        start = body.index("kormánya")
        assert not is_direct_quote(body, start, len(body) - 1)

    def test_the_cue_verb_and_speaker_after_a_quote_are_suggested(self):
        end = SAMPLE_QUOTE.index("”")
        assert suggest_attribution(SAMPLE_QUOTE, end) == ("mondta", "Kim Dzsongun")

    @pytest.mark.parametrize(
        ("after", "expected"),
        [
            ("” – jelentette ki Szergej Sojgu.", ("jelentette ki", "Szergej Sojgu")),
            ("” – írja az ABC News.", ("írja", "ABC News")),
            ("” – tette hozzá.", ("tette hozzá", "")),
            ("”, majd elment.", ("", "")),
        ],
    )
    def test_particle_verbs_and_outlets_are_recognised(self, after, expected):
        body = "„Nem engedünk" + after
        assert suggest_attribution(body, len("„Nem engedünk")) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [("Kim Dzsongun", "Kim Jong Un"), ("Hszi Csin-ping", "Hsi Chin-ping"), ("Szergej Sojgu", "Sergej Sojgu")],
)
def test_spellings_of_one_name_share_a_transliteration_key(one, other):
    assert transliteration_key(one) == transliteration_key(other)


def test_different_names_keep_different_keys():
    assert transliteration_key("Kim Dzsong Il") != transliteration_key("Kim Dzsongun")


@pytest.mark.django_db
class TestEntityMatching:
    def test_an_exact_alias_comes_first(self):
        make_entity("Kim Dzsong Il")
        kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
        assert Entity.objects.matching("Kim Jong Un").first() == kim

    def test_another_transliteration_of_a_name_finds_the_entity(self):
        make_entity("Kim Dzsong Il")
        kim = make_entity("Kim Dzsongun")
        # Trigram similarity alone would rank Kim Dzsong Il higher (DOMAIN.md).
        assert Entity.objects.matching("Kim Jong Un").first() == kim
        assert Entity.objects.matching("Kim Jong Un").first().exact

    def test_spelling_keys_follow_the_aliases(self):
        szijjarto = make_entity("Szijjártó Péter")
        szijjarto.add_alias("Peter Szijjarto")
        szijjarto.save()
        assert szijjarto.spelling_keys == ["petersijjarto", "sijjartopeter"]

    def test_a_name_with_a_case_suffix_finds_the_entity(self):
        sojgu = make_entity("Szergej Sojgu")
        make_entity("Vlagyimir Putyin")
        assert list(Entity.objects.matching("Sojgunak")) == [sojgu]

    def test_accents_do_not_matter(self):
        orban = make_entity("Orbán Viktor")
        assert list(Entity.objects.matching("Orban")) == [orban]

    def test_unrelated_names_are_not_suggested(self):
        make_entity("Vlagyimir Putyin")
        assert not Entity.objects.matching("Kallas").exists()

    def test_adding_an_alias_ignores_case_and_known_spellings(self):
        kim = Entity(name="Kim Dzsongun", kind="person", aliases=["Kim Jong Un"])
        kim.add_alias("kim dzsongun")
        kim.add_alias("KIM JONG UN")
        kim.add_alias("Kim  Dzsong Un")
        assert kim.aliases == ["Kim Jong Un", "Kim Dzsong Un"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "then"), [("Kim", "\u212aim"), ("Istanbul", "İstanbul"), ("Kim Dzsongun", "kim  dzsongun")]
)
def test_a_name_the_catalogue_holds_in_another_case_is_found_not_made_again(editor, first, then):
    known = make_entity(first)
    assert find_or_create_entity(name=then, kind=Entity.Kind.PERSON, by=editor) == known
    assert Entity.objects.count() == 1
