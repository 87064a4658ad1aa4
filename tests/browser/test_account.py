"""The account page in a browser: a token made and revoked in place (htmx), under the policy, accessible."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken
from tests.browser.helpers import AXE, AXE_PATH, audit
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_token_is_made_and_revoked_in_place_with_nothing_refused(editor, log_in, page):
    violations, errors = [], []
    page.expose_function("reportViolation", lambda violation: violations.append(violation))
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    log_in(editor)
    page.goto("/articles/")
    page.get_by_role("link", name="erika").click()  # the name in the header
    expect(page).to_have_url(re.compile(r"/accounts/$"))

    page.get_by_label("Name").fill("heti jelentés")
    page.get_by_role("button", name="Make a token").click()
    secret = page.get_by_label("The new token")
    expect(secret).to_have_value(re.compile(r"^nr_"))
    expect(page).to_have_url(re.compile(r"/accounts/$"))  # swapped in place: a reload makes no other token
    assert ApiToken.objects.get().key_hash == ApiToken.hash(secret.input_value())
    assert audit(page) == []

    page.get_by_role("button", name="Revoke heti jelentés").click()
    expect(page.locator("tr.revoked")).to_contain_text("Revoked")
    expect(page.get_by_label("The new token")).to_have_count(0)  # shown once only
    assert ApiToken.objects.get().revoked_at is not None
    assert violations == [] and errors == []
