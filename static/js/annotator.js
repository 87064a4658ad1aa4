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
  // Every string this module shows, in one table (the translators' catalogue replaces it).
  const gettext = window.gettext || ((text) => text);
  const TEXT = {
    forbidden: gettext("You may not do that. Reload the page and try again."),
    gone: gettext("That annotation no longer exists. Reload the page."),
    refused: gettext("The server refused (%s)."),
    unreachable: gettext("The server cannot be reached. Nothing was saved."),
  };
  const LONG_PRESS_MS = 500;
  let selected = null; // {start, end, exact} in code points over Article.body
  let lastMark = null; // the highlight segment clicked last, to cycle through nested annotations
  let anchor = null; // what the annotator stands beside: {top, bottom, left} in page coordinates
  let editing = null; // the id of the annotation open in the editor, to give its highlight the focus back
  let pointer = "mouse"; // the kind of the last pointer pressed: a touch selection has no mouseup

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
  // Beside the words, below them or else above, and always whole inside the window: when neither
  // fits, over the words (the panel's height is capped at the window's in the stylesheet).
  function place(rect) {
    if (rect) anchor = { top: rect.top + window.scrollY, bottom: rect.bottom + window.scrollY, left: rect.left + window.scrollX };
    if (!anchor || annotator.hidden) return;
    const gap = 14; // clear of a wavy underline below the words
    const width = Math.min(annotator.offsetWidth || 360, window.innerWidth - 2 * gap);
    const height = annotator.offsetHeight;
    const viewTop = window.scrollY + gap;
    const viewBottom = window.scrollY + window.innerHeight - gap;
    const left = Math.max(window.scrollX + gap, Math.min(anchor.left, window.scrollX + window.innerWidth - width - gap));
    let top = anchor.bottom + gap;
    if (top + height > viewBottom) top = anchor.top - gap - height; // above the words
    if (top < viewTop || top + height > viewBottom) top = Math.max(viewTop, viewBottom - height);
    annotator.style.left = `${left}px`;
    annotator.style.top = `${top}px`;
  }
  window.addEventListener("resize", () => place());

  function showToolbar(selection) {
    selected = selection;
    annotator.hidden = false;
    annotator.dataset.mode = "toolbar";
    message.textContent = "";
    panel.replaceChildren();
    place(selection.rect);
  }

  function hide() {
    // The focus was in the annotator (or went with the form a save removed): back to the highlight.
    const focusWasHere = annotator.contains(document.activeElement) || document.activeElement === document.body;
    annotator.hidden = true;
    annotator.dataset.mode = "";
    selected = null;
    panel.replaceChildren();
    message.textContent = "";
    markSelected(null);
    const mark = editing && article.querySelector(`mark[data-annotations~="${editing}"]`);
    editing = null;
    if (mark && focusWasHere) focusMark(mark);
  }

  // A highlight takes the focus only when given it back: focusable for good, a drag inside it
  // would no longer select.
  function focusMark(mark) {
    mark.tabIndex = -1;
    mark.addEventListener("blur", () => mark.removeAttribute("tabindex"), { once: true });
    mark.focus();
  }
  article.addEventListener(
    "pointerdown",
    () => {
      for (const mark of article.querySelectorAll("mark[tabindex]")) mark.removeAttribute("tabindex");
    },
    true,
  );

  function markSelected(id) {
    for (const element of document.querySelectorAll(".is-selected")) element.classList.remove("is-selected");
    if (!id) return;
    for (const mark of article.querySelectorAll(`mark[data-annotations~="${id}"]`)) mark.classList.add("is-selected");
    const item = document.getElementById(`annotation-${id}`);
    if (item) {
      item.classList.add("is-selected");
      // Within the list when it stands beside the text; below the text (a tablet held upright)
      // scrolling to it would take the window away from the words being annotated.
      if (getComputedStyle(item.closest(".annotations")).position === "sticky") item.scrollIntoView({ block: "nearest" });
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
  // Touch: a selection made with the finger ends with no mouseup; wait for its handles to rest.
  let settling = null;
  document.addEventListener("pointerdown", (event) => (pointer = event.pointerType), true);
  document.addEventListener("selectionchange", () => {
    if (pointer !== "touch") return;
    clearTimeout(settling);
    settling = setTimeout(refresh, 300);
  });
  document.addEventListener("keyup", (event) => {
    if (event.key.startsWith("Arrow") || event.key === "Shift" || event.key === "End" || event.key === "Home") refresh();
  });

  // ---- Keyboard selection: Tab to the text (it says how), the caret starts at its first word;
  // arrows move it by word (up and down: by line), Shift with them selects; then s, q, c or e.
  article.addEventListener("focus", () => {
    const selection = window.getSelection();
    if (!article.matches(":focus-visible") || (selection.rangeCount && article.contains(selection.anchorNode))) return;
    const first = paragraphs()[0];
    if (first) selection.collapse(first, 0);
  });
  const CARET = { ArrowRight: ["forward", "word"], ArrowLeft: ["backward", "word"], ArrowDown: ["forward", "line"], ArrowUp: ["backward", "line"] };
  article.addEventListener("keydown", (event) => {
    const step = CARET[event.key];
    if (!step || event.target !== article || event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    window.getSelection().modify(event.shiftKey ? "extend" : "move", ...step);
  });

  // ---- Touch: a long press on a highlight opens it, as a click does.
  let pressing = null;
  article.addEventListener("pointerdown", (event) => {
    const mark = event.target.closest("mark.hl");
    if (event.pointerType !== "touch" || !mark) return;
    const [x, y] = [event.clientX, event.clientY];
    const cancel = () => clearTimeout(pressing?.timer);
    cancel();
    pressing = {
      x,
      y,
      timer: setTimeout(() => {
        lastMark = mark;
        open(mark.dataset.annotation, mark.getBoundingClientRect());
      }, LONG_PRESS_MS),
    };
  });
  for (const type of ["pointerup", "pointercancel"]) article.addEventListener(type, () => clearTimeout(pressing?.timer));
  article.addEventListener("pointermove", (event) => {
    if (pressing && Math.hypot(event.clientX - pressing.x, event.clientY - pressing.y) > 10) clearTimeout(pressing.timer);
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
    // u (or Ctrl+Z outside the fields) undoes this editor's last change: the undo bar's button.
    const undoKey = event.key === "u" && !event.ctrlKey && !event.metaKey && !event.altKey;
    const controlZ = event.key.toLowerCase() === "z" && (event.ctrlKey || event.metaKey) && !event.shiftKey;
    if (!typing && (undoKey || controlZ)) {
      const undo = document.querySelector("#undo-bar [data-undo]");
      if (undo) {
        event.preventDefault();
        undo.click();
      }
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

  // ---- Others' changes: the page's freshness check (every few seconds) would replace the text,
  // and with it a selection being made or annotated: it waits while one is.
  document.getElementById("freshness")?.addEventListener("htmx:beforeRequest", (event) => {
    const mode = annotator.hidden ? "" : annotator.dataset.mode;
    const selecting = !window.getSelection().isCollapsed && article.contains(window.getSelection().anchorNode);
    if (mode === "toolbar" || mode === "saving" || selecting) event.preventDefault();
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
    editing = id;
    markSelected(id);
    const mark = article.querySelector(`mark[data-annotations~="${id}"]`);
    if (mark && (event.detail.requestConfig?.elt?.closest?.(".annotation-list") || !anchor)) place(mark.getBoundingClientRect());
    else place(); // the editor is taller than the toolbar was
    // The server marks the field to start with (a claim's verdict, else the entity).
    (editor.querySelector("[autofocus]") || editor.querySelector("input, select, textarea, button"))?.focus();
  });

  const STATUS_MESSAGES = { 403: TEXT.forbidden, 404: TEXT.gone };
  document.body.addEventListener("htmx:responseError", (event) => {
    if (!annotator.contains(event.detail.target) && event.detail.target !== panel) return;
    const xhr = event.detail.xhr;
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    message.textContent = plain ? xhr.responseText : STATUS_MESSAGES[xhr.status] || TEXT.refused.replace("%s", xhr.status);
    annotator.hidden = false;
    if (annotator.dataset.mode === "saving") annotator.dataset.mode = "toolbar"; // try again
  });
  document.body.addEventListener("htmx:sendError", () => {
    message.textContent = TEXT.unreachable;
  });

  // ---- The entity combobox in the editor: arrows move, Enter picks and saves.
  panel.addEventListener("click", (event) => {
    if (event.target.closest("[data-action=close]")) hide();
    const option = event.target.closest("#entity-options [role=option]");
    if (option) choose(option);
  });

  // Enter in a field goes on to the next one and saves from the last one, or from a claim's verdict
  // (what a claim is for); Ctrl+Enter saves from anywhere. Number keys pick a verdict.
  const fieldsOf = (form) => [...form.querySelectorAll("input[type=text], select, textarea")];
  // Save the editor's form through htmx. A key pressed the moment the editor arrives can come
  // before htmx has taken the new form over (it does so as the swap settles): the browser would
  // then post the form itself and reload the page, and the focus would be lost.
  function save(form) {
    htmx.process(form);
    form.requestSubmit();
  }

  panel.addEventListener("keydown", (event) => {
    const form = event.target.closest?.("#annotation-editor");
    if (!form || !form.elements.entity_query) return;
    const field = event.target;
    if (field.name === "verdict" && /^[1-9]$/.test(event.key) && !event.ctrlKey && !event.altKey && !event.metaKey) {
      const option = field.options[Number(event.key) - 1];
      if (option) field.value = option.value;
      event.preventDefault();
      return;
    }
    if (event.key !== "Enter" || field.matches("button")) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      save(form);
      return;
    }
    if (field.id === "id_entity_query" && panel.querySelector("#entity-options [aria-selected=true]")) return; // below
    if (field.matches("textarea")) return; // a new line
    event.preventDefault();
    const fields = fieldsOf(form);
    const next = fields[fields.indexOf(field) + 1];
    if (!next || field.name === "verdict") save(form);
    else next.focus();
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
    } else if (event.key === "Enter" && current >= 0 && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      const form = event.target.form;
      choose(options[current]);
      // A claim still wants its verdict: on to it. Other kinds are complete with their entity.
      if (form.elements.verdict) form.elements.verdict.focus();
      else save(form);
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
