"""axe-core checks every page, as the policy enforces it, for serious and critical findings, in Hungarian
and in English (helpers.audit, with axe vendored in tests/browser/vendor/)."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import audit, expect_focused, in_both_languages
from tests.factories import make_annotation, make_article, make_entity, span_of
from tests.test_import_page import waiting_batch

pytestmark = pytest.mark.django_db(transaction=True)


@in_both_languages
def test_every_page_has_no_serious_accessibility_findings(admin, audited, log_in, language):
    body = "Kim Dzsongun Phenjanban fogadta Szergej Sojgut. „Erős a barátság” – mondta Kim.\n\nA második bekezdés."
    article = make_article(body)
    kim = make_entity("Kim Dzsongun")
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=admin, entity=kim)
    make_annotation(article, *span_of(article, "Kim Dzsongun Phenjanban"), author=admin, kind=Annotation.Kind.CLAIM,
                    verdict="false", entity=kim)  # fmt: skip
    make_annotation(article, *span_of(article, "„Erős a barátság”"), author=admin, kind=Annotation.Kind.QUOTE,
                    entity=kim)  # fmt: skip
    make_annotation(article, *span_of(article, "A második"), author=admin, kind=Annotation.Kind.SOURCE)
    batch = waiting_batch(admin)
    page = audited
    findings = []

    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language
    findings += audit(page)
    log_in(admin)
    for path in (
        "/articles/",
        f"/articles/{article.pk}/",
        "/entities/",
        "/search/?q=Kim+Dzsongun",
        kim.get_absolute_url(),
        "/quotes/",
        "/claims/",
        "/import/",
        f"/import/{batch.pk}/",
        "/activity/",
        f"/activity/articles/{article.pk}/",
        "/annotations/import/",
        "/accounts/",
    ):
        page.goto(path)
        findings += audit(page)

    page.goto(f"/articles/{article.pk}/")
    page.locator("mark.hl-claim").first.click()
    expect_focused(page.locator("#annotation-editor select, #annotation-editor input[type=text]").first)
    findings += audit(page)

    assert findings == [], "\n".join(findings)


@in_both_languages
def test_the_first_tab_offers_to_skip_to_the_content_with_a_visible_focus(editor, audited, log_in, words):
    article = make_article()
    log_in(editor).goto(f"/articles/{article.pk}/")
    page = audited
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=words("Skip to content"))
    expect_focused(skip)
    expect(skip).to_be_in_viewport()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect_focused(page.get_by_role("main"))


@in_both_languages
def test_no_page_scrolls_sideways_on_a_narrow_screen(admin, log_in, language):
    # The header held every link, the search box and the language menu on one line, 1,147 px wide
    # at any width: at 390 px the search box was off screen. (WCAG 1.4.10, reflow at 320 CSS px.)
    article = make_article("Kim Dzsongun Phenjanban fogadta Szergej Sojgut.")
    page = log_in(admin)
    addresses = ("/articles/", "/search/?q=Kim", f"/articles/{article.pk}/", "/quotes/", "/claims/", "/entities/")
    for width in (1024, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for address in addresses:
            page.goto(address)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{address} at {width} px: {overflow} px sideways"
        expect(page.locator("#site-search")).to_be_in_viewport()
