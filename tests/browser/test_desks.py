"""The claims desk in a real browser, in Hungarian and in English: a verdict changed in place, and a count that
filters."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import in_both_languages
from tests.factories import make_annotation, make_article, span_of

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Több mint 12 ezer katona vett részt a harcokban. A veszteség ezer fő alatt maradt."


@in_both_languages
def test_an_editor_changes_a_verdict_in_place_and_the_counts_follow(editor, other_editor, log_in, words):
    article = make_article(BODY, title="Katonák")
    first = make_annotation(article, *span_of(article, "Több mint 12 ezer katona"), kind="claim", author=other_editor)
    make_annotation(article, *span_of(article, "A veszteség ezer fő alatt maradt"), kind="claim", author=other_editor)
    page = log_in(editor)
    page.goto("/claims/")
    counts = page.get_by_role("navigation", name=words("Verdicts"))
    expect(counts.get_by_role("link", name=f"{words('Unverified')} 2")).to_be_visible()
    address = page.url

    row = page.locator(f"#claim-{first.pk}")
    row.get_by_label(words("Verdict")).select_option("false")
    row.get_by_role("button", name=words("Set")).click()

    set_by = words.pattern('Set by %(who)s, <time datetime="%(iso)s">%(when)s</time>', who="erika")
    expect(row).to_contain_text(set_by)  # the row swapped in place…
    expect(row.get_by_role("button", name=words("Set"))).to_be_focused()  # where the keyboard was
    expect(counts.get_by_role("link", name=f"{words('Unverified')} 1")).to_be_visible()  # …and the counts with it
    expect(counts.get_by_role("link", name=f"{words('False')} 1")).to_be_visible()
    assert page.url == address  # no page load, no new address
    stored = Annotation.objects.get(pk=first.pk)
    assert (stored.verdict, stored.verdict_set_by) == ("false", editor)

    # A count filters by its verdict, and the address says so (shareable, back button).
    counts.get_by_role("link", name=f"{words('False')} 1").click()
    expect(page).to_have_url("/claims/?verdict=false")
    expect(page.locator("table.claims tbody tr")).to_have_count(1)
    page.go_back()
    expect(page).to_have_url("/claims/")
    expect(page.locator("table.claims tbody tr")).to_have_count(2)
