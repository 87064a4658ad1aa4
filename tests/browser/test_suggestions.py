"""Suggestions in a real browser: suggesting on demand, and walking through them with the keys."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from suggestions import services
from suggestions.models import Suggestion
from tests.browser.helpers import audit, expect_focused, in_both_languages
from tests.factories import make_article, make_entity
from tests.test_stored_suggestions import sample_body, sample_catalogue

pytestmark = pytest.mark.django_db(transaction=True)


def count_of(page, kind: str):
    return page.locator(f'#suggestions .suggestion-counts [data-kind="{kind}"] [data-count]')


@in_both_languages
def test_the_sample_article_is_accepted_with_a_few_keys(editor, log_in, words):
    sample_catalogue()
    article = make_article(sample_body())
    page = log_in(editor)
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#suggestions li.suggestion")).to_have_count(0)

    page.get_by_role("button", name=words("Suggest"), exact=True).click()
    items = page.locator("#suggestions li.suggestion")
    expect(items.first).to_be_visible()
    pending = Suggestion.objects.filter(article=article).pending()
    total = pending.count()
    expect(items).to_have_count(total)
    # Drawn in the text, apart from the annotations' marks.
    assert page.evaluate("CSS.highlights.get('suggestion').size") == total
    assert page.locator("mark.hl").count() == 0

    # n: the first suggestion; a: accepted, and the focus goes on to the next one.
    first = pending.in_text_order().first()
    page.keyboard.press("n")
    expect_focused(page.locator(f"#suggestion-{first.pk}"))
    entities_before = pending.filter(kind=first.kind).count()
    page.keyboard.press("a")
    expect(page.locator(".annotation-list li.annotation")).to_have_count(1)
    expect(count_of(page, first.kind)).to_have_text(str(entities_before - 1))
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.provenance) == (first.start, first.end, "suggestion")
    expect(page.locator(".annotation-list li.annotation .origin")).to_contain_text(first.rule)
    second = pending.in_text_order().first()
    expect_focused(page.locator(f"#suggestion-{second.pk}"))

    # x: rejected, no annotation made.
    page.keyboard.press("x")
    expect(items).to_have_count(total - 2)
    assert Suggestion.objects.get(pk=second.pk).status == "rejected"
    third = pending.in_text_order().first()
    expect_focused(page.locator(f"#suggestion-{third.pk}"))

    # Shift+A: every one of the focused suggestion's kind.
    of_kind = pending.filter(kind=third.kind).count()
    page.keyboard.press("Shift+A")
    expect(count_of(page, third.kind)).to_have_text("0")
    expect(page.locator(".annotation-list li.annotation")).to_have_count(1 + of_kind)
    assert Annotation.objects.filter(provenance="suggestion").count() == 1 + of_kind

    # p goes back through what is left; e opens the suggestion to edit, Enter in it accepts.
    left = list(pending.in_text_order())
    if left:
        # Once the new panel has settled, the panel gives the focus to a suggestion left: a key
        # pressed before that moves from the focus the panel then takes away.
        expect(page.locator("#suggestions li.suggestion:focus")).to_have_count(1)
        page.keyboard.press("p")
        expect_focused(page.locator(f"#suggestion-{left[-1].pk}"))
        page.keyboard.press("e")
        field = page.locator(f"#suggestion-{left[-1].pk} .suggestion-form input[name='entity_name']")
        expect(field).to_be_visible()
        expect_focused(field)
        field.press("Enter")
        expect(page.locator(f"#suggestion-{left[-1].pk}")).to_have_count(0)
        assert Suggestion.objects.get(pk=left[-1].pk).status == "accepted"


def test_the_suggestions_have_no_serious_accessibility_findings(editor, audited, log_in):
    make_entity("Kim Dzsongun")
    article = make_article("„Ez lesz a jövő” – mondta Kim Dzsongun. „Nem” – mondta Kovács Béla.")
    services.suggest_for_article(article)
    log_in(editor).goto(f"/articles/{article.pk}/")
    page = audited
    findings = audit(page)
    page.keyboard.press("n")
    page.keyboard.press("e")
    expect_focused(page.locator(".suggestion-form input[name='entity_name']"))
    findings += audit(page)
    assert findings == [], "\n".join(findings)
