"""The interface in Hungarian in a real browser: the page, the editor and the script's own messages."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.helpers import drag_select
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPH = (
    "Az oroszok után Észak-Korea is elismerte a katonák jelenlétét, „akik az igazságért harcoltak, mind hősök "
    "és a haza becsületének képviselői” – mondta Kim Dzsongun akkor."
)


@pytest.mark.parametrize("language", ["hu"])  # the browser asks for Hungarian (Accept-Language: hu-HU)
def test_an_editor_annotates_in_hungarian_and_a_refusal_is_explained_in_hungarian(editor, page):
    article = make_article("Első bekezdés.\n\n" + PARAGRAPH)
    page.goto("/accounts/login/")
    page.get_by_label("Felhasználónév").fill(editor.username)
    page.get_by_label("Jelszó").fill("erika-password")
    page.get_by_role("button", name="Bejelentkezés").click()
    expect(page.get_by_role("button", name="Kijelentkezés")).to_be_visible()

    page.goto(f"/articles/{article.pk}/")
    drag_select(page, "„akik", end_text="képviselői”")
    expect(page.get_by_role("toolbar")).to_be_visible()
    expect(page.get_by_role("button", name="Idézet")).to_be_visible()
    page.keyboard.press("q")
    speaker = page.get_by_role("combobox", name="Megszólaló")
    expect(speaker).to_have_value("Kim Dzsongun")
    # Enter takes the highlighted suggestion and saves, once the suggestions are there.
    expect(page.locator("#entity-options [role=option]").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.locator("#annotator")).to_be_hidden()
    assert Annotation.objects.get().kind == "quote"

    # A refusal the server does not explain itself: the script's message, from the JavaScript catalogue.
    page.route(
        "**/*",
        lambda route: (
            route.fulfill(status=403, content_type="text/html", body="<p>403</p>")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    drag_select(page, "Észak-Korea")
    page.keyboard.press("e")
    expect(page.get_by_role("alert")).to_have_text("Ehhez nincs joga. Töltse újra az oldalt, és próbálja újra.")
    assert Annotation.objects.count() == 1
