// Annotating the article in place: read the selection, offer the toolbar, send the choice
// with htmx, open the editor the server returns. The server renders all text; this module
// only measures selections and moves focus.
"use strict";

(() => {
  const article = document.querySelector("article.article-body");
  const annotator = document.getElementById("annotator");
  if (!article || !annotator) return;
  const toolbar = annotator.querySelector(".toolbar");
  const panel = document.getElementById("annotator-panel");
  const message = annotator.querySelector(".annotator-message");
  const KEYS = { s: "source", q: "quote", c: "claim", e: "entity" };
  let selected = null; // {start, end, exact} in code points over Article.body
  let lastMark = null; // the highlight segment clicked last, to cycle through nested annotations

  // ---- Offsets. The browser counts UTF-16 code units; Article.body offsets are Unicode
  // code points. Every conversion happens here: a paragraph knows where it starts in the
  // body (data-start), and the text before a boundary is counted by code points.
  const codePoints = (text) => {
    let count = 0;
    for (const _ of text) count++;
    return count;
  };
  const paragraphs = () => article.querySelectorAll(":scope > p[data-start]");

  function boundaryOffset(container, offset, isEnd) {
    const element = container.nodeType === Node.ELEMENT_NODE ? container : container.parentElement;
    const paragraph = element.closest("article.article-body > p[data-start]");
    if (paragraph) {
      const range = document.createRange();
      range.setStart(paragraph, 0);
      range.setEnd(container, offset);
      return Number(paragraph.dataset.start) + codePoints(range.toString());
    }
    if (container !== article) return null;
    // A boundary between paragraphs (a triple click, a drag past the end of a paragraph).
    const nodes = [...article.childNodes];
    if (isEnd) {
      const before = nodes.slice(0, offset).reverse().find((node) => node.matches?.("p[data-start]"));
      return before ? Number(before.dataset.end) : null;
    }
    const after = nodes.slice(offset).find((node) => node.matches?.("p[data-start]"));
    return after ? Number(after.dataset.start) : null;
  }

  // body[start:end], rebuilt from the paragraphs; the blank lines between them are "\n"s.
  function textBetween(start, end) {
    let text = "";
    let previousEnd = null;
    for (const paragraph of paragraphs()) {
      const from = Number(paragraph.dataset.start);
      const to = Number(paragraph.dataset.end);
      if (to <= start || from >= end) continue;
      if (previousEnd !== null) text += "\n".repeat(from - previousEnd);
      text += Array.from(paragraph.textContent).slice(Math.max(start, from) - from, Math.min(end, to) - from).join("");
      previousEnd = to;
    }
    return text;
  }

  function readSelection() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== article) return null;
    const start = boundaryOffset(range.startContainer, range.startOffset, false);
    const end = boundaryOffset(range.endContainer, range.endOffset, true);
    if (start === null || end === null || end <= start) return null;
    return { start, end, exact: textBetween(start, end), rect: range.getBoundingClientRect() };
  }

  // ---- The floating annotator: toolbar for a selection, editor for an annotation.
  function place(rect) {
    const width = Math.min(annotator.offsetWidth || 360, window.innerWidth - 16);
    const left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
    annotator.style.left = `${left}px`;
    annotator.style.top = `${rect.bottom + window.scrollY + 8}px`;
  }

  function showToolbar(selection) {
    selected = selection;
    annotator.hidden = false;
    annotator.dataset.mode = "toolbar";
    message.textContent = "";
    panel.replaceChildren();
    place(selection.rect);
  }

  function hide() {
    annotator.hidden = true;
    annotator.dataset.mode = "";
    selected = null;
    panel.replaceChildren();
    message.textContent = "";
    markSelected(null);
  }

  function markSelected(id) {
    for (const element of document.querySelectorAll(".is-selected")) element.classList.remove("is-selected");
    if (!id) return;
    for (const mark of article.querySelectorAll(`mark[data-annotations~="${id}"]`)) mark.classList.add("is-selected");
    const item = document.getElementById(`annotation-${id}`);
    if (item) {
      item.classList.add("is-selected");
      item.scrollIntoView({ block: "nearest" });
    }
  }

  function tag(kind) {
    if (!selected || !article.dataset.createUrl) return;
    const { start, end, exact } = selected;
    message.textContent = "";
    annotator.dataset.mode = "saving";
    // The revision of the annotations this page shows: the server answers with everything
    // that changed, others' changes included, when it is not the latest.
    const revision = document.querySelector("#annotation-summary [name=revision]")?.value ?? "";
    htmx.ajax("POST", article.dataset.createUrl, {
      source: article,
      target: panel,
      swap: "innerHTML",
      values: { kind, start, end, exact, revision },
    });
  }

  function open(id, rect) {
    annotator.hidden = false;
    annotator.dataset.mode = "editor";
    message.textContent = "";
    if (rect) place(rect);
    markSelected(id);
    htmx.ajax("GET", article.dataset.editUrl.replace(/\/0\/$/, `/${id}/`), { source: article, target: panel, swap: "innerHTML" });
  }

  // A new selection in the article brings the toolbar back, even over an open editor
  // (the annotation being edited keeps what it has).
  const refresh = () => {
    const selection = readSelection();
    if (selection && toolbar) showToolbar(selection);
    else if (annotator.dataset.mode === "toolbar") hide();
  };
  article.addEventListener("mouseup", () => setTimeout(refresh));
  document.addEventListener("keyup", (event) => {
    if (event.key.startsWith("Arrow") || event.key === "Shift" || event.key === "End" || event.key === "Home") refresh();
  });

  toolbar?.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  toolbar?.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-kind]");
    if (button) tag(button.dataset.kind);
  });

  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
    if (event.key === "Escape" && !annotator.hidden) {
      event.preventDefault();
      if (annotator.dataset.mode !== "editor") window.getSelection().removeAllRanges();
      hide();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const kind = KEYS[event.key.toLowerCase()];
    if (!kind || !toolbar || annotator.dataset.mode === "saving") return;
    // The key may come before the mouseup handler has shown the toolbar: read the selection now.
    const selection = readSelection();
    if (selection) {
      event.preventDefault();
      showToolbar(selection);
      tag(kind);
    }
  });

  // A click on a highlight opens its innermost annotation; clicking the same text again
  // steps out to the annotations around it.
  article.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.hl");
    if (!mark || !window.getSelection().isCollapsed) return;
    const ids = mark.dataset.annotations.split(" ");
    let id = mark.dataset.annotation;
    if (mark === lastMark && annotator.dataset.mode === "editor") {
      const current = document.getElementById("annotation-editor")?.dataset.annotation;
      id = ids[(ids.indexOf(current) + ids.length - 1) % ids.length];
    }
    lastMark = mark;
    open(id, mark.getBoundingClientRect());
  });

  // ---- What the server sends back.
  panel.addEventListener("htmx:afterSwap", (event) => {
    // Only the panel's own swaps: the entity suggestions swapped in below the combobox bubble up
    // here too, and must not take the focus from a field the person is typing in.
    if (event.detail.target !== panel) return;
    // A selection the server refused (422): say why and let the editor try again, unless
    // Esc closed the annotator while it was being saved.
    const refusal = panel.querySelector("[data-error]");
    if (refusal && annotator.dataset.mode === "") {
      hide();
      return;
    }
    if (refusal) {
      message.textContent = refusal.textContent;
      panel.replaceChildren();
      annotator.hidden = false;
      annotator.dataset.mode = "toolbar";
      return;
    }
    const editor = document.getElementById("annotation-editor");
    // No editor, or Esc was pressed while the new annotation was being saved: stay closed.
    if (!editor || annotator.dataset.mode === "") {
      hide();
      return;
    }
    annotator.hidden = false;
    annotator.dataset.mode = "editor";
    const id = editor.dataset.annotation;
    markSelected(id);
    if (event.detail.requestConfig?.elt?.closest?.(".annotation-list")) {
      const mark = article.querySelector(`mark[data-annotations~="${id}"]`);
      if (mark) place(mark.getBoundingClientRect());
    }
    (editor.querySelector("[autofocus]") || editor.querySelector("input, select, textarea, button"))?.focus();
  });

  const STATUS_MESSAGES = {
    403: gettext("You may not do that. Reload the page and try again."),
    404: gettext("That annotation no longer exists. Reload the page."),
  };
  document.body.addEventListener("htmx:responseError", (event) => {
    if (!annotator.contains(event.detail.target) && event.detail.target !== panel) return;
    const xhr = event.detail.xhr;
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    message.textContent = plain ? xhr.responseText : STATUS_MESSAGES[xhr.status] || interpolate(gettext("The server refused (%s)."), [xhr.status]);
    annotator.hidden = false;
    if (annotator.dataset.mode === "saving") annotator.dataset.mode = "toolbar"; // try again
  });
  document.body.addEventListener("htmx:sendError", () => {
    message.textContent = gettext("The server cannot be reached. Nothing was saved.");
  });

  // ---- The entity combobox in the editor: arrows move, Enter picks and saves.
  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-action=close]")) hide();
    const option = event.target.closest("#entity-options [role=option]");
    if (option) choose(option);
  });

  panel.addEventListener("keydown", (event) => {
    if (event.target.id !== "id_entity_query") return;
    const options = [...panel.querySelectorAll("#entity-options [role=option]")];
    const current = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      const next = (current + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach((option, index) => option.setAttribute("aria-selected", String(index === next)));
      event.target.setAttribute("aria-activedescendant", options[next].id);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      choose(options[current]);
      event.target.form.requestSubmit();
    }
  });

  panel.addEventListener("input", (event) => {
    if (event.target.id !== "id_entity_query") return;
    const form = event.target.form;
    form.elements.entity.value = "";
    form.elements.new_entity_name.value = "";
    form.elements.new_entity_kind.value = "";
  });

  function choose(option) {
    const form = option.closest("form");
    form.elements.entity.value = option.dataset.entity || "";
    form.elements.new_entity_name.value = option.dataset.newKind ? option.dataset.name : "";
    form.elements.new_entity_kind.value = option.dataset.newKind || "";
    form.elements.entity_query.value = option.dataset.name;
    option.parentElement.replaceChildren();
  }

  // A link to one annotation (/articles/N/#a-ID, from an entity page or a desk) brings its
  // highlight into view and marks it, as clicking it would.
  function showLinked() {
    const linked = /^#a-(\d+)$/.exec(window.location.hash);
    const mark = linked && article.querySelector(`mark[data-annotations~="${linked[1]}"]`);
    if (!mark) return;
    markSelected(linked[1]);
    mark.scrollIntoView({ block: "center" });
  }
  showLinked();
  window.addEventListener("hashchange", showLinked);
})();
