// On every page (base.html): what htmx leaves to the page around live searches and filters
// (forms with role="search").
"use strict";

// htmx keeps a page in its history as HTML, which holds the attributes a control was rendered
// with, not what was typed or chosen since (and a page is saved when the next search is sent,
// its box holding the next words already): the back button would bring a search's results back
// beside the wrong words, or a filtered list beside a menu showing "any". The address is what the
// results answered, so once htmx has restored a page, the search forms' controls are set from it.
document.addEventListener("htmx:historyRestore", () => {
  const params = new URLSearchParams(window.location.search);
  for (const form of document.querySelectorAll("form[role=search]")) {
    // A form answered elsewhere (the header's search box on the article list) starts empty.
    const answered = new URL(form.action, window.location.href).pathname === window.location.pathname;
    for (const control of form.elements) {
      if (!control.name || control.type === "hidden" || control.type === "submit") continue;
      const value = answered ? params.get(control.name) ?? "" : "";
      control.value = value;
      // A menu without that value (the order, whose default has a name) shows its first choice.
      if (control instanceof HTMLSelectElement && control.value !== value) control.selectedIndex = 0;
    }
  }
});

// A live search or filter the server refuses (400, a plain-text message naming what was wrong)
// would otherwise change nothing on the page, the old results standing as if they answered it:
// the form's error line (.request-error) says why until an answer comes through.
const errorLine = (event) => event.detail.elt?.closest?.("form[role=search]")?.querySelector(".request-error");

document.addEventListener("htmx:responseError", (event) => {
  const line = errorLine(event);
  if (!line) return;
  const xhr = event.detail.xhr;
  const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
  line.textContent = plain && xhr.status < 500 ? xhr.responseText : line.dataset.otherwise;
  line.hidden = false;
});

document.addEventListener("htmx:afterRequest", (event) => {
  const line = errorLine(event);
  if (line && event.detail.successful) {
    line.hidden = true;
    line.textContent = "";
  }
});

document.addEventListener("htmx:sendError", (event) => {
  const line = errorLine(event);
  if (!line) return;
  line.textContent = line.dataset.otherwise;
  line.hidden = false;
});
