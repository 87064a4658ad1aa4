// The Import page. htmx swaps no 5xx answer (templates/base.html); an import's panel that says
// data-shows-unavailable takes one anyway: "Import the rest", imported in the request, answers
// 503 with a panel saying the database connection was lost and what to do. (Not hx-on: the
// Content-Security-Policy lets htmx evaluate nothing.)
"use strict";

document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 503 && event.detail.target.closest("[data-shows-unavailable]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
