"""axe-core checks every page, as the policy enforces it, for serious and critical findings.

axe is vendored in tests/browser/vendor/ (axe-core 4.14.1, MPL-2.0, its LICENSE beside it). Playwright's
add_script_tag(path=…) inlines the file, which the Content-Security-Policy refuses (script-src 'self'):
page.route serves it from a same-origin address instead, so the pages are audited under the real policy.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import expect_focused
from tests.factories import make_annotation, make_article, make_entity, span_of
from tests.test_import_page import waiting_batch

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
IMPACTS = ("serious", "critical")
AXE_PATH = "/__test__/axe.min.js"  # answered by the test, never by the app


def audit(page) -> list[str]:
    """The serious and critical findings of axe on the page as it is now, one line each."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in results["violations"]
        if violation["impact"] in IMPACTS
        for node in violation["nodes"]
    ]


@pytest.fixture
def audited(page):
    page.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    return page


def test_every_page_has_no_serious_accessibility_findings(admin, audited, log_in):
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
    findings += audit(page)
    log_in(admin)
    for path in (
        "/articles/",
        f"/articles/{article.pk}/",
        "/entities/",
        kim.get_absolute_url(),
        "/quotes/",
        "/claims/",
        "/import/",
        f"/import/{batch.pk}/",
        "/activity/",
        f"/activity/articles/{article.pk}/",
    ):
        page.goto(path)
        findings += audit(page)

    page.goto(f"/articles/{article.pk}/")
    page.locator("mark.hl-claim").first.click()
    expect_focused(page.locator("#annotation-editor select, #annotation-editor input[type=text]").first)
    findings += audit(page)

    assert findings == [], "\n".join(findings)


def test_the_first_tab_offers_to_skip_to_the_content_with_a_visible_focus(editor, audited, log_in):
    article = make_article()
    log_in(editor).goto(f"/articles/{article.pk}/")
    page = audited
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect_focused(skip)
    expect(skip).to_be_in_viewport()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect_focused(page.get_by_role("main"))
