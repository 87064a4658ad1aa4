// The Import page and an import's page. htmx swaps no 5xx answer (templates/base.html); an import's panel that says
// data-shows-unavailable takes one anyway: "Import the rest", imported in the request, answers
// 503 with a panel saying the database connection was lost and what to do. (Not hx-on: the
// Content-Security-Policy lets htmx evaluate nothing.)
"use strict";

// The drop box: files dropped on it go into its file input, as if chosen there.
for (const zone of document.querySelectorAll(".dropzone")) {
  const input = zone.querySelector("input[type=file]");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("is-dragged-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-dragged-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("is-dragged-over");
    const files = new DataTransfer();
    for (const file of event.dataTransfer.files) files.items.add(file);
    if (!files.files.length) return;
    input.files = files.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 503 && event.detail.target.closest("[data-shows-unavailable]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
