"""Two editors on the same article, each in their own browser: each sees the other's changes
without reloading, and who else has the page open."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import drag_select, give_session
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Kim Dzsongun szerint minden rendben van.\n\nSzergej Sojgu Phenjanba utazott."


def _open(browser, live_server, user, article):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    give_session(context, user, live_server.url)
    page = context.new_page()
    page.goto(f"/articles/{article.pk}/")
    return context, page


def test_two_editors_see_each_others_changes_without_reloading(browser, live_server, editor, other_editor):
    article = make_article(BODY)
    first_context, first = _open(browser, live_server, editor, article)
    second_context, second = _open(browser, live_server, other_editor, article)
    try:
        expect(first.locator("#presence")).to_contain_text("ede", timeout=10_000)
        expect(second.locator("#presence")).to_contain_text("erika", timeout=10_000)

        drag_select(first, "Phenjanba")
        first.keyboard.press("e")
        expect(first.locator("mark.hl-entity")).to_have_text("Phenjanba")
        # The other page: the highlight, the list and the counts, within a few seconds.
        expect(second.locator("mark.hl-entity")).to_have_text("Phenjanba", timeout=10_000)
        expect(second.locator(".annotation-list li")).to_have_count(1)
        expect(second.locator("#annotation-summary .count")).to_have_text("1")

        drag_select(second, "minden rendben van")
        second.keyboard.press("c")
        expect(second.locator("#annotation-editor")).to_be_visible()
        second.keyboard.press("Escape")
        expect(first.locator("mark.hl-claim")).to_have_text("minden rendben van", timeout=10_000)
        expect(first.locator("#annotation-summary .count")).to_have_text("2")

        # Undo on the first page (the key u, once its editor is closed) removes its annotation from both.
        first.keyboard.press("Escape")
        expect(first.locator("#undo-bar")).to_contain_text("Phenjanba")
        first.keyboard.press("u")
        expect(first.locator("mark.hl-entity")).to_have_count(0)
        expect(second.locator("mark.hl-entity")).to_have_count(0, timeout=10_000)
        expect(second.locator(".annotation-list li")).to_have_count(1)
    finally:
        first_context.close()
        second_context.close()
