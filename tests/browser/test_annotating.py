"""Annotating in a real browser: selection, keys, the editor, and what a reload shows.

The flows that show the interface's words run in Hungarian and in English (in_both_languages)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.models import Annotation
from entities.models import Entity
from imports.seedfile import parse_seed_file
from tests.browser.helpers import drag_select, expect_focused, give_session, in_both_languages
from tests.conftest import SAMPLE_SEED
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE_PARAGRAPH = (
    "Az oroszok után Észak-Korea is elismerte a katonák jelenlétét, „akik az igazságért harcoltak, mind hősök "
    "és a haza becsületének képviselői” – mondta Kim Dzsongun akkor."
)
QUOTE = "akik az igazságért harcoltak, mind hősök és a haza becsületének képviselői"


def open_article(log_in, user, body: str):
    article = make_article(body)
    page = log_in(user)
    page.goto(f"/articles/{article.pk}/")
    return article, page


# The same in Hungarian: tests/browser/test_languages.py.
def test_select_press_q_and_the_quote_is_there_after_a_reload(editor, log_in, words):
    article, page = open_article(log_in, editor, "Első bekezdés.\n\n" + SAMPLE_PARAGRAPH)

    drag_select(page, "„akik", end_text="képviselői”")
    expect(page.get_by_role("toolbar", name=words("Annotate the selection"))).to_be_visible()
    expect(page.get_by_role("button", name=words("Quote"), exact=True)).to_be_visible()
    page.keyboard.press("q")
    expect(page.locator("mark.hl-quote")).to_have_text(QUOTE)

    page.reload()
    annotation = Annotation.objects.get()
    assert (annotation.kind, annotation.exact) == ("quote", QUOTE)
    assert (annotation.start, annotation.end) == span_of(article, QUOTE)
    expect(page.locator("mark.hl-quote")).to_have_text(QUOTE)
    expect(page.locator(".annotation-list li")).to_have_count(1)


def test_offsets_stay_right_after_an_emoji_earlier_in_the_paragraph(editor, log_in):
    article, page = open_article(log_in, editor, "A 🚀 rakéta 𝔘 után Kim Dzsongun Phenjanba ment.")

    drag_select(page, "Phenjanba")
    page.keyboard.press("e")
    expect(page.locator("mark.hl-entity")).to_have_text("Phenjanba")

    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end) == span_of(article, "Phenjanba") == (31, 40)  # code points


def test_offsets_stay_right_after_a_combining_accent(editor, log_in):
    # x + combining acute has no precomposed form: it stays two code points after NFC.
    article, page = open_article(log_in, editor, "Az x\u0301 jel és a 🚀 után jön Sojgu.")

    drag_select(page, "Sojgu")
    page.keyboard.press("e")
    expect(page.locator("mark.hl-entity")).to_have_text("Sojgu")

    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end) == span_of(article, "Sojgu") == (26, 31)


def test_a_selection_across_paragraphs_is_one_annotation(editor, log_in, words):
    _, page = open_article(log_in, editor, "Első bekezdés vége.\n\nMásodik bekezdés eleje.")

    drag_select(page, "vége", end_text="Második")
    page.get_by_role("button", name=words("Claim"), exact=True).click()
    expect(page.locator("mark.hl-claim")).to_have_count(2)

    assert Annotation.objects.get().exact == "vége.\n\nMásodik"


@in_both_languages
def test_the_speaker_is_suggested_and_enter_saves_it(editor, log_in, words):
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)

    drag_select(page, "akik", end_text="képviselői")
    page.keyboard.press("q")
    speaker = page.get_by_role("combobox", name=words("Speaker"))
    expect_focused(speaker)
    expect(speaker).to_have_value("Kim Dzsongun")
    create = words("Create %(kind)s <q>%(query)s</q>", kind=words("Person").lower(), query="Kim Dzsongun")
    expect(page.get_by_role("option", name=create)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    expect(page.locator("#annotator")).to_be_hidden()
    expect(page.locator(".annotation-list li .entity")).to_have_text("Kim Dzsongun")
    quote = Annotation.objects.get()
    assert quote.entity == Entity.objects.get(name="Kim Dzsongun", kind="person")
    assert (quote.quote_type, quote.cue_verb) == ("direct", "mondta")


@in_both_languages
def test_q_on_a_whole_attributed_quote_saves_its_words_with_the_speaker(editor, log_in, words):
    kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    body = parse_seed_file(SAMPLE_SEED.read_bytes(), max_bytes=settings.SEED_MAX_FILE_BYTES).body
    article, page = open_article(log_in, editor, body)

    drag_select(page, "„akik", end_text="mondta Kim Dzsongun")  # the marks, the dash and the attribution
    page.keyboard.press("q")
    speaker = page.get_by_role("combobox", name=words("Speaker"))
    expect_focused(speaker)
    expect(speaker).to_have_value("Kim Dzsongun")
    expect(page.locator("mark.hl-quote")).to_have_text(QUOTE)
    expect(page.get_by_role("option", name="Kim Dzsongun")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")

    expect(page.locator("#annotator")).to_be_hidden()
    expect(page.locator(".annotation-list li .entity")).to_have_text("Kim Dzsongun")
    quote = Annotation.objects.get()
    assert (quote.start, quote.end) == span_of(article, QUOTE)
    assert (quote.quote_type, quote.cue_verb, quote.entity) == ("direct", "mondta", kim)


def test_escape_cancels_the_toolbar_and_closes_the_editor(editor, log_in):
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)
    drag_select(page, "Kim Dzsongun")
    expect(page.get_by_role("toolbar")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#annotator")).to_be_hidden()
    page.keyboard.press("e")  # no selection any more: nothing happens (checked below, once a tag has come back)

    drag_select(page, "Kim Dzsongun")
    page.keyboard.press("e")
    expect(page.locator("#annotation-editor")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#annotator")).to_be_hidden()
    expect(page.locator(".annotation-list li")).to_have_count(1)
    assert Annotation.objects.get().exact == "Kim Dzsongun"  # the annotation stays, with what it has


def test_nested_annotations_stay_visible_and_each_can_be_opened(editor, log_in):
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)
    for first, last, key in [("„akik", "akkor.", "c"), ("akik", "képviselői", "q"), ("Kim", "Dzsongun", "e")]:
        drag_select(page, first, end_text=last)
        page.keyboard.press(key)
        expect(page.locator("#annotation-editor")).to_be_visible()
        page.keyboard.press("Escape")

    expect(page.locator(".annotation-list li")).to_have_count(3)
    claim, quote, entity = Annotation.objects.order_by("start", "-end")
    assert (claim.kind, quote.kind, entity.kind) == ("claim", "quote", "entity")
    kim = page.locator("mark.hl-entity")
    expect(kim).to_have_text("Kim Dzsongun")
    expect(kim).to_have_class("hl hl-claim hl-entity")  # inside the claim, still an entity
    expect(page.locator("mark.hl-quote.hl-claim")).to_have_text(QUOTE)

    kim.click()  # the innermost annotation first…
    expect(page.locator("#annotation-editor")).to_have_attribute("data-annotation", str(entity.pk))
    kim.click()  # …then the one around it
    expect(page.locator("#annotation-editor")).to_have_attribute("data-annotation", str(claim.pk))
    expect(page.locator(f"#annotation-{claim.pk}")).to_have_class("annotation kind-claim is-selected")


@in_both_languages
def test_clicking_a_highlight_opens_it_and_editing_saves_in_place(editor, log_in, words):
    article = make_article(SAMPLE_PARAGRAPH)
    claim = make_annotation(article, *span_of(article, "Észak-Korea is elismerte"), kind="claim", author=editor)
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")

    page.locator("mark.hl-claim").click()
    page.get_by_label(words("Verdict")).select_option("mostly_true")
    page.get_by_label(words("Note")).fill("Megerősítve több forrásból.")
    page.get_by_role("button", name=words("Save")).click()

    expect(page.locator(f"#annotation-{claim.pk} .verdict")).to_have_text(words("Mostly true"))
    expect(page.locator(f"#annotation-{claim.pk} .note")).to_have_text("Megerősítve több forrásból.")
    claim.refresh_from_db()
    assert (claim.verdict, claim.note) == ("mostly_true", "Megerősítve több forrásból.")


def test_suggestions_arriving_late_leave_the_focus_where_the_person_types(editor, log_in):
    article = make_article(SAMPLE_PARAGRAPH)
    make_annotation(article, *span_of(article, "Észak-Korea is elismerte"), kind="claim", author=editor)
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")
    page.locator("mark.hl-claim").click()
    claimant = page.get_by_role("combobox", name="Claimant")
    expect_focused(page.get_by_label("Verdict"))  # the editor has opened and settled (a claim starts there)
    note = page.get_by_label("Note")
    note.focus()
    # The claimant's suggestions, as a slow server sends them while the note is being typed.
    claimant.evaluate(
        """(input) => htmx.ajax("GET", input.getAttribute("hx-get"),
             {source: input, target: "#entity-options", values: {entity_query: "Kim"}})"""
    )
    expect(page.locator("#entity-options [role=option]").first).to_be_attached()
    expect_focused(note)


@in_both_languages
def test_the_author_deletes_an_annotation_in_place(editor, log_in, words):
    article = make_article(SAMPLE_PARAGRAPH)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")

    page.locator("mark.hl-entity").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=words("Delete")).click()

    expect(page.locator("mark.hl")).to_have_count(0)
    expect(page.locator(".annotation-list li")).to_have_count(0)
    expect(page.locator("#annotation-summary .count")).to_have_text("0")
    assert not Annotation.objects.exists()


@in_both_languages
def test_another_editor_cannot_delete_it(editor, other_editor, log_in, words):
    article = make_article(SAMPLE_PARAGRAPH)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
    page = log_in(other_editor)
    page.goto(f"/articles/{article.pk}/")

    page.locator("mark.hl-entity").click()
    expect(page.locator("#annotation-editor")).to_contain_text(
        words("Only its author or an admin can change this annotation.")
    )
    expect(page.get_by_role("button", name=words("Delete"))).to_have_count(0)


@in_both_languages
def test_a_refused_request_shows_its_message(editor, log_in, words):
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)
    # The article changed under the page (here: the offsets are tampered with before sending).
    page.evaluate("""() => document.querySelectorAll("article p").forEach((p) => p.dataset.start = 5)""")
    drag_select(page, "Kim Dzsongun")
    page.keyboard.press("e")
    expect(page.get_by_role("alert")).to_contain_text(
        words("The selected text does not match the article at those offsets. Reload the page and try again.")
    )
    assert not Annotation.objects.exists()


def test_the_page_is_readable_without_javascript(browser, live_server, editor):
    article = make_article(SAMPLE_PARAGRAPH)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    give_session(context, editor, live_server.url)
    page = context.new_page()
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("article p")).to_contain_text("mondta Kim Dzsongun akkor.")
    expect(page.locator("mark.hl-entity")).to_have_text("Kim Dzsongun")
    expect(page.locator(".annotation-list li")).to_have_count(1)
    context.close()


def test_tagging_after_another_editor_brings_their_annotations_too(editor, other_editor, log_in):
    article, page = open_article(log_in, editor, "Első bekezdés Phenjanról.\n\n" + SAMPLE_PARAGRAPH)
    # Meanwhile, on another editor's page:
    theirs = make_annotation(article, *span_of(article, "Phenjanról"), author=other_editor)

    drag_select(page, "Kim Dzsongun")
    page.keyboard.press("e")
    expect(page.locator("#annotation-editor")).to_be_visible()

    # The list, the counts and the highlights agree: both annotations, in text order.
    items = page.locator(".annotation-list li")
    expect(items).to_have_count(2)
    expect(items.first).to_have_id(f"annotation-{theirs.pk}")
    expect(page.locator("#annotation-summary .count")).to_have_text("2")
    expect(page.locator("mark.hl-entity")).to_have_count(2)

    page.keyboard.press("Escape")
    drag_select(page, "Észak-Korea")  # the page is current again: the next tag adds just itself
    page.keyboard.press("c")
    expect(items).to_have_count(3)
    expect(page.locator("#annotation-summary .count")).to_have_text("3")
