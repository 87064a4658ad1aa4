"""The article list's filters and the editorial queue in a real browser: a choice swaps the table
in place and goes into the address; "Next article" opens the article it takes."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import in_both_languages
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@in_both_languages
def test_a_filter_swaps_the_table_and_the_next_article_button_opens_the_oldest_new_one(editor, log_in, words):
    make_article("Kész cikk. Szöveg.", title="Kész cikk", status="done", published_on=datetime.date(2023, 1, 1))
    make_article("Régi új cikk. Szöveg.", title="Régi új cikk", published_on=datetime.date(2024, 1, 1))
    make_article("Friss új cikk. Szöveg.", title="Friss új cikk", published_on=datetime.date(2025, 1, 1))
    page = log_in(editor)
    page.goto("/articles/")
    rows = page.locator("table.articles tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator(".progress")).to_contain_text(words("%(done)s of %(total)s done", done=1, total=3))

    page.locator("#id_status").select_option("done")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"status=done"))
    # Said to a screen reader: the live region holds the page's summary ("Page 1 of 1 · 1 article").
    expect(page.locator("#live-status")).to_have_text(page.locator(".pagination span").inner_text())
    page.locator("#id_status").select_option("new")
    page.locator("#id_sort").select_option("date")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Friss új cikk")

    page.get_by_role("button", name=words("Next article")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Régi új cikk")


def test_back_brings_the_filters_back_with_the_list_they_chose(editor, log_in):
    make_article("Kész cikk. Szöveg.", title="Kész cikk", status="done", published_on=datetime.date(2023, 1, 1))
    make_article("Új cikk. Szöveg.", title="Új cikk", published_on=datetime.date(2024, 1, 1))
    page = log_in(editor)
    page.goto("/articles/")
    rows = page.locator("table.articles tbody tr")
    page.locator("#id_status").select_option("done")
    expect(rows).to_have_count(1)
    page.locator("#id_sort").select_option("annotated")
    expect(page).to_have_url(re.compile(r"sort=annotated"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"status=done(?!.*sort=annotated)"))
    expect(rows).to_have_count(1)
    expect(page.locator("#id_status")).to_have_value("done")
    expect(page.locator("#id_sort")).not_to_have_value("annotated")


@in_both_languages
def test_a_date_range_the_server_refuses_says_why_until_it_is_mended(editor, log_in, words):
    make_article("Régi cikk. Szöveg.", title="Régi cikk", published_on=datetime.date(2019, 6, 1))
    make_article("Friss cikk. Szöveg.", title="Friss cikk", published_on=datetime.date(2025, 6, 1))
    page = log_in(editor)
    page.goto("/articles/")
    rows = page.locator("table.articles tbody tr")
    error = page.locator(".filters").get_by_role("alert")
    page.locator("#id_published_from").fill("2025-01-01")
    expect(rows).to_have_count(1)
    page.locator("#id_published_to").fill("2019-12-31")
    expect(error).to_contain_text(words("The end of the date range is before its start."))
    page.locator("#id_published_from").fill("2019-01-01")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Régi cikk")
    expect(error).to_be_hidden()
