"""Annotating without a mouse, without sight, without colour, on a small screen and by touch.

What shows the interface's words runs in Hungarian and in English (in_both_languages)."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from annotations.models import Annotation
from articles.models import Article
from tests.browser.helpers import audit, drag_select, expect_focused, give_session, in_both_languages
from tests.browser.test_annotating import SAMPLE_PARAGRAPH, open_article
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db(transaction=True)


@in_both_languages
def test_a_highlight_tells_a_screen_reader_its_kind_verdict_and_claimant(editor, log_in, words):
    article = make_article(SAMPLE_PARAGRAPH)
    kim = make_entity("Kim Dzsongun")
    make_annotation(article, *span_of(article, "Észak-Korea is elismerte"), kind="claim", verdict="false",
                    entity=kim, author=editor)  # fmt: skip
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")

    expect(page.locator("mark.hl-claim")).to_have_accessible_description(
        f"{words('Claim')} Kim Dzsongun {words('False')}"
    )


@in_both_languages
def test_the_editor_is_a_dialog_and_the_focus_goes_back_to_the_highlight(editor, log_in, words):
    article = make_article(SAMPLE_PARAGRAPH)
    make_annotation(article, *span_of(article, "Észak-Korea is elismerte"), kind="claim", author=editor)
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")
    mark = page.locator("mark.hl-claim")

    mark.click()
    dialog = page.get_by_role("dialog", name=f"{words('Claim')} Észak-Korea is elismerte")
    expect(dialog).to_be_visible()
    expect_focused(dialog.get_by_label(words("Verdict")))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect_focused(mark)

    mark.click()
    expect_focused(dialog.get_by_label(words("Verdict")))
    page.keyboard.press("Control+Enter")  # saved: the highlight is made again, and has the focus
    expect(dialog).to_be_hidden()
    expect_focused(page.locator("mark.hl-claim"))


@in_both_languages
def test_a_claim_takes_four_actions_select_c_verdict_save(editor, log_in, words):
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)
    actions = [
        lambda: drag_select(page, "Észak-Korea", end_text="elismerte"),
        lambda: page.keyboard.press("c"),  # the editor opens at the verdict (waited for below: no action)
        lambda: page.keyboard.press("6"),  # the sixth verdict: False
        lambda: page.keyboard.press("Enter"),
    ]
    for number, action in enumerate(actions, 1):
        action()
        if number == 2:
            expect_focused(page.get_by_label(words("Verdict")))

    expect(page.locator("#annotator")).to_be_hidden()
    expect(page.locator(".annotation-list .verdict")).to_have_text(words("False"))
    claim = Annotation.objects.get()
    assert (claim.kind, claim.exact, claim.verdict) == ("claim", "Észak-Korea is elismerte", "false")


@in_both_languages
def test_enter_on_the_claimant_goes_on_to_the_verdict_instead_of_saving(editor, log_in, words):
    make_entity("Kim Dzsongun")
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)
    drag_select(page, "Észak-Korea", end_text="elismerte")
    page.keyboard.press("c")
    verdict = page.get_by_label(words("Verdict"))
    expect_focused(verdict)

    claimant = page.get_by_role("combobox", name=words("Claimant"))
    claimant.focus()
    claimant.press_sequentially("Kim Dzs")
    expect(page.get_by_role("option", name="Kim Dzsongun")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect_focused(verdict)
    verdict.press("2")
    note = page.get_by_label(words("Note"))
    note.fill("Első sor")
    note.press("Enter")  # a new line in a note, not a save
    note.press_sequentially("második")
    page.keyboard.press("Control+Enter")

    expect(page.locator("#annotator")).to_be_hidden()
    claim = Annotation.objects.get()
    assert (claim.entity.name, claim.verdict, claim.note) == ("Kim Dzsongun", "true", "Első sor\nmásodik")


def _panel_is_inside_the_window_beside_the_words(page, words) -> None:
    expect(page.locator("#annotation-editor")).to_be_visible()
    expect(page.get_by_role("button", name=words("Save"))).to_be_in_viewport(ratio=1)
    box = page.locator("#annotator").bounding_box()
    size = page.viewport_size
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"], (box, size)
    words = page.locator("mark.is-selected").bounding_box()
    gap = max(box["y"] - (words["y"] + words["height"]), words["y"] - (box["y"] + box["height"]))
    assert 0 <= gap <= 20, (box, words)  # just below or just above the words, not over them


@in_both_languages
@pytest.mark.parametrize("width, height", [(1440, 900), (820, 1180)])
def test_the_editor_stays_whole_inside_the_window_at_the_top_and_the_bottom(editor, log_in, words, width, height):
    body = "\n\n".join(
        f"Bekezdés {n}: Kim Dzsongun Phenjanban fogadta Szergej Sojgut, és hosszan beszéltek." for n in range(60)
    )
    _, page = open_article(log_in, editor, body)
    page.set_viewport_size({"width": width, "height": height})

    drag_select(page, "Bekezdés 0")
    page.keyboard.press("c")
    _panel_is_inside_the_window_beside_the_words(page, words)
    page.screenshot(path=f"/tmp/a11y-panel-top-{width}x{height}-{words.language}.png")
    page.keyboard.press("Escape")

    page.locator("#p-0").evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    drag_select(page, "Bekezdés 59")
    page.keyboard.press("c")
    _panel_is_inside_the_window_beside_the_words(page, words)
    page.screenshot(path=f"/tmp/a11y-panel-bottom-{width}x{height}-{words.language}.png")


@in_both_languages
def test_without_a_mouse_the_arrows_select_words_and_a_key_annotates(editor, log_in, words):
    _, page = open_article(log_in, editor, SAMPLE_PARAGRAPH)
    text = page.locator("article.article-body")
    for _ in range(30):  # past the header's links and the title's form
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.querySelector('article.article-body')"):
            break
    expect_focused(text)
    without_a_mouse = words(
        "Without a mouse: Tab to the text, move by word with the arrow keys and select with <kbd>Shift</kbd> and "
        "the arrows."
    )
    expect(text).to_have_accessible_description(re.compile(re.escape(without_a_mouse)))
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_role("toolbar", name=words("Annotate the selection"))).to_be_visible()
    page.keyboard.press("e")

    expect(page.locator("mark.hl-entity")).to_have_text("Az oroszok")
    assert Annotation.objects.get().exact == "Az oroszok"


def test_a_touch_selection_brings_the_toolbar_and_a_long_press_opens_a_highlight(browser, live_server, editor):
    article = make_article(SAMPLE_PARAGRAPH)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
    context = browser.new_context(base_url=live_server.url, has_touch=True, is_mobile=True,
                                  viewport={"width": 820, "height": 1180})  # fmt: skip
    give_session(context, editor, live_server.url)
    page = context.new_page()
    page.goto(f"/articles/{article.pk}/")

    page.locator("text=oroszok").first.tap()  # the finger touches, then the selection handles settle
    page.evaluate(
        """() => {
          const node = document.querySelector("#p-0").firstChild;
          window.getSelection().setBaseAndExtent(node, 3, node, 10);
        }"""
    )
    expect(page.get_by_role("toolbar")).to_be_visible()
    page.keyboard.press("Escape")

    mark = page.locator("mark.hl-entity")
    box = mark.bounding_box()
    client = context.new_cdp_session(page)
    point = {"x": box["x"] + 3, "y": box["y"] + box["height"] / 2}
    client.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    page.wait_for_timeout(700)
    client.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(page.locator("#annotation-editor")).to_be_visible()
    context.close()


@in_both_languages
def test_files_dropped_on_the_drop_box_are_imported(admin, log_in, words):
    page = log_in(admin)
    page.goto("/import/")
    page.locator(".dropzone").evaluate(
        """(zone) => {
          const files = new DataTransfer();
          files.items.add(new File(["date 2025-06 Ledobott cikk."], "ledobott.txt", {type: "text/plain"}));
          zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: files, bubbles: true, cancelable: true}));
          zone.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
        }"""
    )
    assert page.locator("#id_files").evaluate("(input) => [...input.files].map((file) => file.name)") == [
        "ledobott.txt"
    ]
    page.get_by_role("button", name=words("Import"), exact=True).click()
    expect(page.locator(".status-line .status")).to_have_text(words("Done"))
    assert Article.objects.get().title.startswith("Ledobott")


def _luminance(css_colour: str) -> float:
    """WCAG's relative luminance of an rgb()/rgba() colour as getComputedStyle gives it (opaque)."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"[\d.]+", css_colour)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted([_luminance(first), _luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("language", ["hu"])  # the words in English: the screen reader's test above
def test_verdicts_differ_by_tint_sign_and_words_and_nested_claims_by_their_line(editor, audited, log_in, words):
    terms = [f"Állítás{n}" for n in range(len(Annotation.Verdict.values))]
    article = make_article(" ".join(terms) + ".")
    for word, verdict in zip(terms, Annotation.Verdict.values, strict=True):
        make_annotation(article, *span_of(article, word), kind="claim", verdict=verdict, author=editor)
    make_annotation(article, *span_of(article, f"{terms[0]} {terms[1]}"), kind="claim", author=editor)
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")

    looks = page.locator(".annotation-list .verdict").evaluate_all(
        """(tags) => tags.map((tag) =>
             [getComputedStyle(tag, "::before").content, getComputedStyle(tag).backgroundColor])"""
    )
    signs = {sign for sign, _ in looks}
    assert len(signs) == len(Annotation.Verdict.values) and "none" not in signs, looks
    assert len({colour for _, colour in looks}) == len(Annotation.Verdict.values), looks

    # Each claim's words are tinted by its verdict, the tint 3:1 against the page and the text 4.5:1 over it,
    # and the highlight says its verdict in words (its description, from the list).
    page_colour = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    tints = {}
    for word, verdict in zip(terms[2:], Annotation.Verdict.values[2:], strict=True):
        mark = page.locator("mark.hl-claim", has_text=word)
        background, text = mark.evaluate("(m) => [getComputedStyle(m).backgroundColor, getComputedStyle(m).color]")
        tints[verdict] = background
        assert _contrast(background, page_colour) >= 3, (verdict, background)
        assert _contrast(background, text) >= 4.5, (verdict, background, text)
        label = Annotation.Verdict(verdict).label
        with translation.override(words.language):
            expect(mark).to_have_accessible_description(re.compile(re.escape(str(label))))
    nested = page.locator("mark.hl-claim", has_text=terms[1])  # inside the outer, unverified claim: its own
    tints["true"] = nested.evaluate("(m) => getComputedStyle(m).backgroundColor")
    assert len(set(tints.values())) == len(tints) == len(Annotation.Verdict.values) - 1, tints

    thickness = page.locator("mark.hl-claim").evaluate_all(
        "(marks) => marks.map((mark) => [mark.dataset.depth, getComputedStyle(mark).textDecorationThickness])"
    )
    assert (
        len({line for depth, line in thickness if depth == "1"} & {line for depth, line in thickness if depth == "2"})
        == 0
    )
    page.locator("article.article-body").screenshot(path=f"/tmp/verdict-tints-{words.language}.png")
    findings = audit(page)
    assert findings == [], "\n".join(findings)
