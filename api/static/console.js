// VaxRoute console: small progressive enhancements. Every page works without this file.
// Loaded as a module from base.html (no inline scripts: the CSP allows none).
//
// * Drop zones: a file dropped on [data-dropzone] goes into the zone's file input, as if it
//   had been chosen with the picker; the form is then sent as usual. The chosen file's name
//   is written into the zone's [data-file-name] (the native input is hidden: its button
//   would speak the browser's language, not the page's).
// * csrfFetch: fetch() with the session's CSRF token in the X-CSRF-Token header, for pages
//   whose scripts change data through the JSON API (the token is read from the page's
//   hidden csrf_token field).

export function csrfToken() {
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

export function csrfFetch(url, options = {}) {
  const headers = new Headers(options.headers || {});
  headers.set("X-CSRF-Token", csrfToken());
  return fetch(url, { ...options, headers, credentials: "same-origin" });
}

function setupDropzone(zone) {
  const input = zone.querySelector('input[type="file"]');
  if (!input) return;
  const shown = zone.querySelector("[data-file-name]");
  input.addEventListener("change", () => {
    if (shown && input.files && input.files.length > 0) shown.textContent = input.files[0].name;
  });
  const over = (event) => {
    event.preventDefault();
    zone.classList.add("over");
  };
  const leave = () => zone.classList.remove("over");
  zone.addEventListener("dragenter", over);
  zone.addEventListener("dragover", over);
  zone.addEventListener("dragleave", leave);
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    leave();
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || files.length === 0) return;
    const chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });
}

document.querySelectorAll("[data-dropzone]").forEach(setupDropzone);
