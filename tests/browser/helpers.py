"""Helpers for browser tests: a logged-in session, and selecting text the way a person does."""

import time

from django.conf import settings
from django.test import Client


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
