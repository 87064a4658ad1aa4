"""The q key on a whole attributed quote: the words inside the marks, direct, speaker and cue filled in.

The service decides from the span (annotations.services.create_annotation), so every client that
creates annotations gets the same; a selection of plain text keeps being what it was.
"""

import pytest
from django.urls import reverse

from annotations import services
from annotations.anchoring import snap_to_words
from annotations.models import Annotation
from articles.models import Article
from tests.factories import make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def press_q(article, selected: str, *, by) -> services.NewAnnotation:
    """What the create view does with a selection: snapped to words (SelectionForm), then created."""
    start, end = snap_to_words(article.body, *span_of(article, selected))
    return services.create_annotation(article=article, kind="quote", start=start, end=end, by=by)


@pytest.mark.parametrize(
    ("body", "selected", "inside", "speaker", "cue"),
    [
        (
            "Bevezető mondat. „Nem engedünk a nyomásnak” – mondta Kim Dzsongun akkor. Más mondat.",
            "„Nem engedünk a nyomásnak” – mondta Kim Dzsongun",
            "Nem engedünk a nyomásnak",
            "Kim Dzsongun",
            "mondta",
        ),
        (
            "„A bérek nőni fognak” – tette hozzá Varga Mihály pénzügyminiszter.",
            "„A bérek nőni fognak” – tette hozzá Varga Mihály pénzügyminiszter.",
            "A bérek nőni fognak",
            "Varga Mihály",
            "tette hozzá",
        ),
        (
            "A miniszter ezután röviden válaszolt. Szabó Anna: „Ez a javaslat elfogadhatatlan.”",
            "Szabó Anna: „Ez a javaslat elfogadhatatlan.”",
            "Ez a javaslat elfogadhatatlan.",
            "Szabó Anna",
            "",
        ),
        (
            "Tóth Eszter így fogalmazott: „Minden beteget ellátunk.”",
            "Tóth Eszter így fogalmazott: „Minden beteget ellátunk.”",
            "Minden beteget ellátunk.",
            "Tóth Eszter",
            "fogalmazott",
        ),
        (
            "»Megoldjuk a gondot« – ígérte Fekete Zsófia polgármester.",
            "»Megoldjuk a gondot« – ígérte Fekete Zsófia",
            "Megoldjuk a gondot",
            "Fekete Zsófia",
            "ígérte",
        ),
        (
            'Az ülés után "ez így nem mehet tovább" - jelentette ki Papp Dániel.',
            '"ez így nem mehet tovább" - jelentette ki Papp Dániel.',
            "ez így nem mehet tovább",
            "Papp Dániel",
            "jelentette ki",
        ),
    ],
)
def test_a_whole_attributed_quote_is_saved_as_its_words_direct_with_speaker_and_cue(
    editor, body, selected, inside, speaker, cue
):
    article = make_article(body)

    annotation, entity_name, created = press_q(article, selected, by=editor)

    assert created
    assert annotation.exact == inside
    assert (annotation.start, annotation.end) == span_of(article, inside)
    assert (annotation.quote_type, annotation.cue_verb) == ("direct", cue)
    assert entity_name == speaker


def test_an_interrupted_quote_is_its_two_parts_of_one_speaker(editor):
    article = make_article("„Minden beteget ellátunk – írja Tóth Eszter –, de a várakozás hosszabb lesz.”")

    first, entity_name, _ = press_q(article, article.body, by=editor)

    assert (first.exact, first.quote_type, first.cue_verb, entity_name) == (
        "Minden beteget ellátunk",
        "direct",
        "írja",
        "Tóth Eszter",
    )
    parts = Annotation.objects.order_by("start")
    assert [part.exact for part in parts] == ["Minden beteget ellátunk", "de a várakozás hosszabb lesz."]
    assert {(part.quote_type, part.cue_verb) for part in parts} == {("direct", "írja")}


def test_the_catalogues_name_is_proposed_for_another_spelling(editor):
    make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    article = make_article("„Nem hátrálunk” – mondta Kim Jong Un.")

    annotation, entity_name, _ = press_q(article, article.body, by=editor)

    assert (annotation.exact, annotation.quote_type) == ("Nem hátrálunk", "direct")
    assert entity_name == "Kim Dzsongun"


def test_pressing_q_again_on_the_whole_quote_finds_the_one_stored(editor):
    article = make_article("„Nem engedünk” – mondta Kovács János.")

    first = press_q(article, article.body, by=editor)
    again = press_q(article, article.body, by=editor)

    assert not again.created and again.annotation.pk == first.annotation.pk
    assert again.entity_name == "Kovács János"
    assert Annotation.objects.count() == 1


def test_the_words_inside_the_marks_get_a_speaker_named_before_them(editor):
    article = make_article("Horváth Ildikó: „Az iskolákban nem lesz tanárhiány.”")

    annotation, entity_name, _ = press_q(article, "Az iskolákban nem lesz tanárhiány.", by=editor)

    assert (annotation.quote_type, entity_name) == ("direct", "Horváth Ildikó")


@pytest.mark.parametrize(
    ("body", "selected"),
    [
        # plain text: an indirect quote, as before
        ("Kovács János azt mondta, hogy nem engednek.", "nem engednek"),
        # a scare quote is no one's words: nothing to narrow to
        ("A „szakértők” szerint ez így van.", "„szakértők” szerint ez így van"),
        # two quotes of two people: which one is meant is not for the server to guess
        (
            "„Igen” – mondta Kovács János. „Nem” – felelte Tóth Eszter.",
            "„Igen” – mondta Kovács János. „Nem” – felelte Tóth Eszter",
        ),
    ],
)
def test_other_selections_keep_what_they_were(editor, body, selected):
    article = make_article(body)
    start, end = span_of(article, selected)

    annotation, entity_name, _ = press_q(article, selected, by=editor)

    start += selected.startswith("„")  # snapped to the words, as any selection is
    assert (annotation.start, annotation.end, annotation.exact) == (start, end, article.body[start:end])
    assert annotation.quote_type == "indirect"
    assert (annotation.cue_verb, entity_name) == ("", "")


def test_the_view_answers_with_the_editor_for_the_quote_inside_the_marks(client_for, editor):
    article = make_article(
        "Észak-Korea elismerte, „akik az igazságért harcoltak, mind hősök” – mondta Kim Dzsongun akkor."
    )
    selected = "„akik az igazságért harcoltak, mind hősök” – mondta Kim Dzsongun"
    start, end = span_of(article, selected)
    revision = str(Article.objects.get(pk=article.pk).annotation_version)

    response = client_for(editor).post(
        reverse("annotations:create", args=[article.pk]),
        {"kind": "quote", "start": start, "end": end, "exact": selected, "revision": revision},
        headers=HTMX,
    )

    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert annotation.exact == "akik az igazságért harcoltak, mind hősök"
    assert (annotation.quote_type, annotation.cue_verb) == ("direct", "mondta")
    assert 'value="Kim Dzsongun"' in response.content.decode()
