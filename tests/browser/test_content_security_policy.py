"""The Content-Security-Policy, enforced as in production: every page works with nothing inline."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils.csp import CSP, build_policy
from playwright.sync_api import expect

from annotations.models import Annotation
from imports.models import ImportBatch
from tests.browser.helpers import drag_select, expect_focused
from tests.factories import make_article, make_entity

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every document before its own scripts: each violation the browser reports, handed to the test.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.reportViolation({
  page: location.pathname, directive: event.effectiveDirective, blocked: event.blockedURI,
  source: event.sourceFile, line: event.lineNumber, sample: event.sample,
}), true);
"""


@pytest.fixture
def watched(page):
    """The page, with what goes wrong in it: policy violations, console errors, script errors, and the
    policy each document came with."""
    seen = {"violations": [], "errors": [], "policies": {}}
    page.expose_function("reportViolation", lambda violation: seen["violations"].append(violation))
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: message.type == "error" and seen["errors"].append(f"{message.location['url']}: {message.text}"),
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))

    def document_policy(response):
        if response.request.resource_type == "document":
            seen["policies"][urlsplit(response.url).path] = response.headers.get(CSP.HEADER_ENFORCE.lower())

    page.on("response", document_policy)
    return page, seen


def test_every_page_works_under_the_policy_with_nothing_refused(admin, editor, watched):
    admin.is_staff = True
    admin.save()
    article = make_article("Kim Dzsongun Phenjanban fogadta Szergej Sojgut.\n\nA második bekezdés.")
    make_entity("Szergej Sojgu")
    page, seen = watched

    page.goto("/articles/")  # the login page first
    page.get_by_label("Username").fill("adel")
    page.get_by_label("Password").fill("adel-password")
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_q").fill("Phenjan")  # htmx swaps the table
    expect(page).to_have_url(re.compile(r"q=Phenjan"))
    page.get_by_role("link", name=article.title).click()
    page.get_by_text("Edit title and status").click()  # an htmx form swapping the header
    page.get_by_label("Title").fill("Kim és Sojgu")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kim és Sojgu")

    drag_select(page, "Szergej", end_text="Sojgut")  # annotate with a key press; the editor opens
    page.keyboard.press("e")
    entity = page.get_by_role("combobox", name="Entity")
    expect_focused(entity)
    expect(page.get_by_role("option", name=re.compile("^Szergej Sojgu"))).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#annotator")).to_be_hidden()
    expect(page.locator(".annotation-list li .entity")).to_have_text("Szergej Sojgu")
    page.locator("mark.hl-entity").click()  # and opens again from its highlight
    expect(page.locator("#annotation-editor")).to_be_visible()

    page.get_by_role("link", name="Import").click()
    page.set_input_files("#id_files", files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"date 2025 Cikk."}])
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".status-line .status")).to_have_text("Done")

    page.get_by_role("link", name="Activity").click()  # everyone's changes, and one article's
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    page.goto(f"/activity/articles/{article.pk}/")
    expect(page.locator(".history-entry").first).to_be_visible()

    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"/admin/auth/user/{editor.pk}/change/")  # Django's two-box group chooser
    expect(page.locator("#id_groups_from")).to_be_visible()
    page.goto(f"/admin/annotations/annotation/{Annotation.objects.get().pk}/change/")
    page.locator(".select2-selection").click()  # the entity's autocomplete asks the server
    expect(page.locator(".select2-results__option").first).to_contain_text("Szergej Sojgu")

    assert seen["violations"] == [], seen["violations"]
    assert seen["errors"] == [], seen["errors"]
    # Every page came with the policy enforced (the middleware sets it on every answer, redirects too).
    policy = build_policy(settings.SECURE_CSP)
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    batch = ImportBatch.objects.get()
    assert set(seen["policies"]) >= {
        "/accounts/login/",
        "/articles/",
        f"/articles/{article.pk}/",
        "/import/",
        f"/import/{batch.pk}/",
        "/activity/",
        f"/activity/articles/{article.pk}/",
        "/admin/",
        f"/admin/auth/user/{editor.pk}/change/",
        f"/admin/annotations/annotation/{Annotation.objects.get().pk}/change/",
    }
    assert {path: header for path, header in seen["policies"].items() if header != policy} == {}


def test_what_is_inline_is_refused_and_reported(editor, watched, log_in):
    page, seen = watched
    log_in(editor).goto("/articles/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.head.append(script);
          document.body.setAttribute("style", "background: red");
        }"""
    )
    for _ in range(100):  # the events come as tasks of their own
        if len(seen["violations"]) == 2:
            break
        page.wait_for_timeout(50)
    assert sorted(violation["directive"] for violation in seen["violations"]) == ["script-src-elem", "style-src-attr"]
    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
