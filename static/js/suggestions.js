// Suggestions on the article page: drawn in the text (a dashed underline, through the CSS Custom
// Highlight API, so the server's markup of annotations stays as it is), and the keys that walk
// through them. Accepting, rejecting and editing are the panel's own htmx forms: a key clicks them.
"use strict";

(() => {
  const article = document.getElementById("article-text");
  if (!article || !document.getElementById("suggestions")) return;
  let remembered = null; // {id, index}: the suggestion focused before a change, to focus its successor after

  const items = () => [...document.querySelectorAll("#suggestions li.suggestion[data-suggestion]")];
  const focusedItem = () => document.activeElement?.closest?.("li.suggestion[data-suggestion]") || null;

  // ---- Offsets: code points into Article.body, as the paragraphs' data-start counts them.
  function position(offset) {
    for (const paragraph of article.querySelectorAll(":scope > p[data-start]")) {
      const from = Number(paragraph.dataset.start);
      const to = Number(paragraph.dataset.end);
      if (offset < from || offset > to) continue;
      let left = offset - from;
      const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
      let last = null;
      while (walker.nextNode()) {
        const node = walker.currentNode;
        last = node;
        const characters = Array.from(node.data);
        if (left <= characters.length) {
          return { node, offset: characters.slice(0, left).join("").length };
        }
        left -= characters.length;
      }
      if (last) return { node: last, offset: last.data.length };
    }
    return null;
  }

  function rangeOf(item) {
    const start = position(Number(item.dataset.start));
    const end = position(Number(item.dataset.end));
    if (!start || !end) return null;
    const range = document.createRange();
    range.setStart(start.node, start.offset);
    range.setEnd(end.node, end.offset);
    return range;
  }

  function draw() {
    if (!window.CSS?.highlights || typeof Highlight === "undefined") return;
    const all = new Highlight();
    const focused = new Highlight();
    const current = focusedItem();
    for (const item of items()) {
      const range = rangeOf(item);
      if (!range) continue;
      all.add(range);
      if (item === current) focused.add(range);
    }
    CSS.highlights.set("suggestion", all);
    CSS.highlights.set("suggestion-focused", focused);
  }

  function focus(item) {
    if (!item) return;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    rangeOf(item)?.startContainer.parentElement?.scrollIntoView({ block: "center" });
    draw();
  }

  function step(direction) {
    const list = items();
    if (!list.length) return;
    const index = list.indexOf(focusedItem());
    const next = index < 0 ? (direction > 0 ? 0 : list.length - 1) : (index + direction + list.length) % list.length;
    focus(list[next]);
  }

  function press(item, selector) {
    const button = item?.querySelector(selector);
    if (!button) return false;
    remembered = { id: item.dataset.suggestion, index: items().indexOf(item) };
    button.click();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.closest?.("input, textarea, select, [contenteditable]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!document.getElementById("annotator")?.hidden) return; // the annotator's keys while it is open
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && article.contains(selection.anchorNode)) return; // s, q, c, e tag a selection
    const item = focusedItem();
    let handled = false;
    if (event.key === "n") {
      step(1);
      handled = true;
    } else if (event.key === "p") {
      step(-1);
      handled = true;
    } else if (item && (event.key === "a" || (event.key === "Enter" && event.target === item))) {
      handled = press(item, "[data-accept]");
    } else if (item && event.key === "x") {
      handled = press(item, "[data-reject]");
    } else if (item && event.key === "e") {
      handled = press(item, "[data-edit]");
    } else if (item && event.key === "A") {
      const button = document.querySelector(`#suggestions [data-accept-all="${item.dataset.kind}"]`);
      if (button) {
        remembered = { id: item.dataset.suggestion, index: items().indexOf(item) };
        button.click();
        handled = true;
      }
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("focusin", (event) => {
    if (event.target.closest?.("#suggestions")) draw();
  });
  document.addEventListener("click", (event) => {
    const item = event.target.closest?.("li.suggestion[data-suggestion]");
    if (item && !event.target.closest("button, a, input, select, textarea, label")) focus(item);
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const swapped = event.detail?.target || event.target; // where the answer went, not who asked
    const edit = swapped.closest?.(".suggestion-edit");
    if (edit) {
      edit.querySelector("input:not([type=hidden]), select, textarea")?.focus();
      return;
    }
    // After a change the panel is new: the focus goes on to the suggestion that took the decided one's place.
    // (An outerHTML swap leaves its target detached: the panel is known by its id then.)
    const panel = document.getElementById("suggestions");
    if (remembered && (swapped.id === "suggestions" || panel?.contains(swapped))) {
      const list = items();
      const same = list.find((item) => item.dataset.suggestion === remembered.id);
      const target = same || list[Math.min(remembered.index, list.length - 1)];
      remembered = null;
      if (target) focus(target);
      else document.querySelector("#suggestions [data-suggest]")?.focus();
    }
    draw();
  });

  draw();
})();
