"""The search box in every page's header, in a real browser: results as one types, the query in
the address, and the back button bringing the earlier results back."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import in_both_languages
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@in_both_languages
def test_results_come_as_one_types_and_the_back_button_restores_them(editor, log_in, words):
    make_article("Orosz front. Orosz katonák érkeztek a határhoz.", title="Orosz front")
    make_article("Ukrán front. Ukrán katonák érkeztek a határhoz.", title="Ukrán front")
    page = log_in(editor)
    page.goto("/articles/")
    box = page.get_by_role("search").filter(has=page.locator("#site-search")).get_by_label(words("Search"))
    found = page.locator("#found-articles")

    box.fill("katonak")  # typed without accents
    expect(page).to_have_url(re.compile(r"/search/\?q=katonak$"))
    expect(found.get_by_role("link", name="Orosz front")).to_be_visible()
    expect(found.get_by_role("link", name="Ukrán front")).to_be_visible()
    expect(found.locator("mark").first).to_have_text("katonák")
    expect(page).to_have_title(re.compile(r"katonak"))  # bookmarked with its words
    # Said to a screen reader: the live region holds what was found.
    expect(page.locator("#live-status")).to_contain_text(f"{words('Articles')}: 2")
    expect(box).to_be_focused()  # typing goes on in the same box

    box.fill("ukran")
    expect(page).to_have_url(re.compile(r"/search/\?q=ukran$"))
    expect(found.get_by_role("link", name="Ukrán front")).to_be_visible()
    expect(found.get_by_role("link", name="Orosz front")).to_have_count(0)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=katonak$"))
    expect(found.get_by_role("link", name="Orosz front")).to_be_visible()
    expect(box).to_have_value("katonak")  # the box beside the results says what found them
    page.go_forward()
    expect(found.get_by_role("link", name="Orosz front")).to_have_count(0)
    expect(box).to_have_value("ukran")
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/articles/$"))
    expect(found).to_have_count(0)

    # The address alone brings the results back: bookmarked, shared or reloaded.
    page.goto("/search/?q=ukran")
    expect(found.get_by_role("link", name="Ukrán front")).to_be_visible()
    expect(page.locator("#site-search")).to_have_value("ukran")
