"""Helpers for browser tests: a logged-in session, the page's language, and selecting text the way a person does."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation.trans_real import DjangoTranslation

# axe-core 4.14.1 (MPL-2.0, its LICENSE beside it). Playwright's add_script_tag(path=…) inlines the file,
# which the Content-Security-Policy refuses (script-src 'self'): the `audited` page (conftest) serves it
# from a same-origin address instead, so pages are audited under the real policy.
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
AXE_PATH = "/__test__/axe.min.js"  # answered by the test, never by the app
IMPACTS = ("serious", "critical")

# The browser's Accept-Language for each language of the interface (README, "Languages").
LOCALES = {"hu": "hu-HU", "en": "en-GB"}

# A test that shows the interface's words runs once in each language, its `words` fixture (and the
# page's) in that language: the flows people use, not every small check.
in_both_languages = pytest.mark.parametrize("language", list(LOCALES))


class Words:
    """Messages as a page in ``language`` shows them, so one test finds its buttons and texts in both."""

    def __init__(self, language: str):
        self.language = language

    def __call__(self, message: str, **values) -> str:
        """The message translated, its placeholders filled in and its markup taken out (as a browser reads it)."""
        with translation.override(self.language):
            text = translation.gettext(message)
        return strip_tags(text % values if values else text)

    def plural(self, singular: str, plural: str, number: int, **values) -> str:
        with translation.override(self.language):
            text = translation.ngettext(singular, plural, number)
        return strip_tags(text % values)

    def js(self, message: str) -> str:
        """A message of the scripts (Django's JavaScript catalogue, the djangojs domain)."""
        if self.language == "en":  # the messages are written in English
            return message
        return DjangoTranslation(self.language, domain="djangojs").gettext(message)

    def pattern(self, message: str, plural: str | None = None, number: int = 1, **values) -> re.Pattern:
        """A regular expression for the message as shown: the placeholders given in ``values`` filled
        in, any other one standing for some text (a date, a duration)."""
        with translation.override(self.language):
            text = translation.ngettext(message, plural, number) if plural else translation.gettext(message)
        parts = re.split(r"%\((\w+)\)[sd]", strip_tags(text))

        def literal(text: str) -> str:  # any run of white space as one
            return r"\s+".join(re.escape(piece) for piece in re.split(r"\s+", text))

        return re.compile(
            "".join(
                literal(part) if index % 2 == 0 else literal(str(values[part])) if part in values else ".+?"
                for index, part in enumerate(parts)
            )
        )


def give_session(context, user, url: str) -> None:
    """Log ``user`` in for the browser ``context``, without going through the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def drag_select(page, text: str, *, occurrence: int = 0, end_text: str | None = None) -> None:
    """Drag the mouse from the first character of ``text`` to the last one of ``end_text`` (or ``text``)."""
    box = page.evaluate(
        """([text, occurrence, endText]) => {
          const article = document.querySelector("article.article-body");
          const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
          const nodes = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
          const find = (needle, skip) => {
            for (const node of nodes) {
              let index = node.data.indexOf(needle);
              while (index !== -1) {
                if (skip-- === 0) return [node, index];
                index = node.data.indexOf(needle, index + 1);
              }
            }
            throw new Error(`not in the page: ${needle}`);
          };
          const rectOf = (node, from, to) => {
            const range = document.createRange();
            range.setStart(node, from);
            range.setEnd(node, to);
            return range.getBoundingClientRect();
          };
          const [startNode, startIndex] = find(text, occurrence);
          const last = endText ?? text;
          const [endNode, endIndex] = endText ? find(endText, 0) : [startNode, startIndex];
          const first = rectOf(startNode, startIndex, startIndex + 1);
          const lastRect = rectOf(endNode, endIndex + last.length - 1, endIndex + last.length);
          const middle = (rect) => rect.top + rect.height / 2;
          return {x1: first.left + 1, y1: middle(first), x2: lastRect.right - 1, y2: middle(lastRect)};
        }""",
        [text, occurrence, end_text],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def expect_focused(locator, timeout: float = 10.0) -> None:
    """Wait until ``locator`` is the page's focused element (document.activeElement).

    Not Playwright's to_be_focused(), which also needs the window to have the system's focus:
    on a loaded machine a headless window can lose it for a moment, and what the app controls
    is which element has the focus within the page. The locator is resolved anew each time,
    as the element may be swapped for a new one (a highlight made again after a save).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if locator.evaluate("(element) => element === document.activeElement", timeout=1000):
                return
        except Exception:  # not there (yet), or more than one: ask again
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{locator} never had the focus; it is on {_focused(locator.page)}")
        time.sleep(0.05)


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'")


def audit(page) -> list[str]:
    """The serious and critical findings of axe on the page as it is now, one line each (an `audited` page)."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in results["violations"]
        if violation["impact"] in IMPACTS
        for node in violation["nodes"]
    ]
