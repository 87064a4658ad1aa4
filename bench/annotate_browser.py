#!/usr/bin/env python
"""From the key press to the highlight on screen, in Chromium against the app served by gunicorn.

    .venv/bin/python bench/annotate_browser.py [--tags 40] [--chromium /usr/bin/chromium]

On an article that already has 300 annotations, selects a word, presses "e", and measures in
the page from the keydown to the first frame painted after the new highlight appears
(a MutationObserver, then two animation frames). Prints p50, p95 and the slowest. Then, on
the sample article, times the whole of tagging its quote with the speaker: drag, q, Enter.
"""

import argparse
import re
import time

import served
from playwright.sync_api import sync_playwright

from imports.importing import SeedSource, import_seed_files

SAMPLE = served.ROOT / "seeds" / "000_a45e6700e34eec7b.txt"

MEASURE = """() => {
  const article = document.querySelector("article.article-body");
  const known = new Set([...article.querySelectorAll("mark.hl")].flatMap((m) => m.dataset.annotations.split(" ")));
  window.__elapsed = new Promise((resolve) => {
    let pressed = null;
    document.addEventListener("keydown", () => { pressed = performance.now(); }, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      const marks = [...article.querySelectorAll("mark.hl")];
      if (!marks.some((m) => m.dataset.annotations.split(" ").some((id) => !known.has(id)))) return;
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - pressed)));
    });
    observer.observe(article, { subtree: true, childList: true });
  });
}"""

SELECT_WORD = """([start, end]) => {
  for (const p of document.querySelectorAll("article.article-body > p")) {
    const from = Number(p.dataset.start), to = Number(p.dataset.end);
    if (start < from || end > to) continue;
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let offset = from, startNode, startOffset, endNode, endOffset;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = [...node.data].length;  // the article is ASCII-free of astral characters here
      if (!startNode && start < offset + length) { startNode = node; startOffset = start - offset; }
      if (!endNode && end <= offset + length) { endNode = node; endOffset = end - offset; }
      offset += length;
    }
    const range = document.createRange();
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    p.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    return range.toString();
  }
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=40)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    with served.scratch_database() as db:
        user = served.editor()
        article = served.make_annotated_article(user, 300, title="Háromszáz jelölés")
        sample = import_seed_files([SeedSource(SAMPLE.name, SAMPLE.read_bytes)]).files[0].article_id
        cookie = served.session_cookie(user)
        words = [m.span() for m in re.finditer(r"\w{6,}", article.body)]
        with served.gunicorn(db) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/articles/{article.pk}/")
            times = []
            for i in range(args.tags):
                page.keyboard.press("Escape")
                page.evaluate(MEASURE)
                selected = page.evaluate(SELECT_WORD, list(words[(i * 7) % len(words)]))
                assert selected, "no word selected"
                page.keyboard.press("e")
                times.append(page.evaluate("window.__elapsed"))
            quote_flow = tag_the_sample_quote(page, f"{base}/articles/{sample}/")
            browser.close()
        warm = times[3:]
        print(f"key press to highlight on screen: p50 {served.percentile(warm, 0.5):.0f} ms, "
              f"p95 {served.percentile(warm, 0.95):.0f} ms, slowest {max(warm):.0f} ms ({len(warm)} tags)")  # fmt: skip
    print(f"the sample's quote tagged with its speaker (drag, q, Enter; the app's part): {quote_flow * 1000:.0f} ms")


def tag_the_sample_quote(page, url: str) -> float:
    """Drag over „akik … képviselői”, press q, press Enter: the speaker Kim Dzsongun is saved."""
    page.goto(url)
    box = page.evaluate(QUOTE_BOX)
    started = time.perf_counter()
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()
    page.keyboard.press("q")
    page.locator("#entity-options [aria-selected=true]", has_text="Kim Dzsongun").wait_for()
    page.keyboard.press("Enter")
    page.locator(".annotation-list .entity", has_text="Kim Dzsongun").wait_for()
    return time.perf_counter() - started


QUOTE_BOX = """() => {
  const paragraphs = [...document.querySelectorAll("article.article-body > p")];
  const text = paragraphs.find((p) => p.textContent.includes("„akik")).firstChild;
  const rect = (from, to) => {
    const range = document.createRange();
    range.setStart(text, from);
    range.setEnd(text, to);
    return range.getBoundingClientRect();
  };
  const start = text.data.indexOf("„akik"), end = text.data.indexOf("képviselői”") + "képviselői”".length;
  const first = rect(start, start + 1), last = rect(end - 1, end);
  return {x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2};
}"""


if __name__ == "__main__":
    main()
