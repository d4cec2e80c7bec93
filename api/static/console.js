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

// --- Plan progress (api/pages/plans.py, plan_progress.html) ---------------------------------
// A [data-progress-url] section polls its URL once a second (the session cookie goes along)
// and writes the answer's texts into its [data-progress=...] elements and the <progress> bar.
// When the plan is no longer queued or solving, the page reloads: it then shows the plan, or
// why there is none. The server formats every number in the page's language. Without this
// script the page still has its numbers as rendered and a refresh link.

const PROGRESS_EVERY_MS = 1000;

function showProgress(section, data) {
  const put = (name, text) => {
    const element = section.querySelector(`[data-progress="${name}"]`);
    if (element && element.textContent !== text) element.textContent = text;
  };
  for (const name of ["status", "state", "elapsed", "planned", "coverage", "areas"]) {
    put(name, data.text[name]);
  }
  const areas = section.querySelector("[data-progress-areas]");
  if (areas) areas.hidden = !data.text.areas; // only a plan solved as areas on a cluster
  const bar = section.querySelector('[data-progress="bar"]');
  if (bar) {
    bar.max = data.limit_s;
    bar.value = Math.min(data.elapsed_s, data.limit_s);
  }
  section.dataset.planned = data.planned === null ? "" : String(data.planned);
}

function watchProgress(section) {
  const url = section.dataset.progressUrl;
  const tick = async () => {
    let data = null;
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected || !response.ok) {
        window.location.reload(); // signed out, or the plan is gone: the page says which
        return;
      }
      data = await response.json();
    } catch (error) {
      data = null; // the server away for a moment: try again
    }
    if (data && !data.active) {
      window.location.reload();
      return;
    }
    if (data) showProgress(section, data);
    window.setTimeout(tick, PROGRESS_EVERY_MS);
  };
  window.setTimeout(tick, PROGRESS_EVERY_MS);
}

document.querySelectorAll("[data-progress-url]").forEach(watchProgress);
