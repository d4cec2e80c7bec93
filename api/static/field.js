// VaxRoute field app (api/pages/field.py): one-tap outcomes through an offline queue, the
// sync status, "route updated", and the service worker that keeps the day for offline use.
//
// An outcome goes into IndexedDB (database "vaxroute-field", store "queue") with its
// idempotency key before anything is sent, so that a tap is never lost: the queue is sent to
// POST /visits on load, on the "online" event, after each tap and on a backoff timer. A 2xx
// removes the record; a 401 (the tablet was revoked) clears the queue and the caches; 429, 5xx
// or no network keep it for the next try; any other refusal (404: the resident left the plan;
// 409; 422) keeps it as "refused" and lists it on every page until the user dismisses it. The
// store holds the resident's id and initials, never a name or a condition.
// All words come from the page's data-t-* attributes (the page's language); text is set with
// textContent only.

const DB_NAME = "vaxroute-field";
const STORE = "queue";
const LAST_SYNC = "vaxroute.lastSync";
const SEEN = "vaxroute.planVersion.";
const POSITION = "vaxroute.sendPosition";
const body = document.body;
const words = body.dataset;
let syncing = false;
let retryMs = 0;
let retryTimer = null;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ""));
}

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "key" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const allRecords = () => withStore("readonly", (s) => s.getAll());
const putRecord = (rec) => withStore("readwrite", (s) => s.put(rec));
const deleteRecord = (key) => withStore("readwrite", (s) => s.delete(key));
const clearRecords = () => withStore("readwrite", (s) => s.clear());

function newKey() {
  if (crypto.randomUUID) return "fa-" + crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "fa-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function signedOut() {
  // revoked: nothing of the team's stays on the tablet
  await clearRecords().catch(() => {});
  if (window.caches) for (const name of await caches.keys()) await caches.delete(name);
  localStorage.clear();
  location.reload();
}

function clockNow() {
  return new Date().toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN",
    { hour: "2-digit", minute: "2-digit" });
}

async function showStatus() {
  const records = await allRecords().catch(() => []);
  const waiting = records.filter((r) => r.state === "waiting");
  const refused = records.filter((r) => r.state === "refused");
  const state = document.getElementById("sync-state");
  const time = document.getElementById("sync-time");
  state.textContent = waiting.length ? fill(words.tPending, { n: waiting.length }) : words.tAllSent;
  state.classList.toggle("waiting", waiting.length > 0);
  const last = localStorage.getItem(LAST_SYNC);
  time.textContent = navigator.onLine ? (last ? fill(words.tLastSync, { time: last }) : words.tNever)
    : words.tOffline;
  const box = document.getElementById("refused");
  const list = document.getElementById("refused-list");
  list.replaceChildren(...refused.map((r) => {
    const li = document.createElement("li");
    li.textContent = fill(words.tRefusedItem, { seq: r.seq, who: r.who, what: r.what, status: r.status });
    return li;
  }));
  box.hidden = refused.length === 0;
}

function retryLater() {
  retryMs = Math.min(retryMs ? retryMs * 2 : 2000, 60000);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(sync, retryMs);
}

async function sendOne(rec) {
  // the answer decides the record's fate; false: stop for now (no network, busy, revoked)
  let answer;
  try {
    answer = await fetch("/visits", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": words.csrf },
      body: JSON.stringify(rec.body) });
  } catch {
    return false;
  }
  if (answer.ok) {
    await deleteRecord(rec.key);
    localStorage.setItem(LAST_SYNC, clockNow());
    return true;
  }
  if (answer.status === 401) {
    await signedOut();
    return false;
  }
  if (answer.status === 429 || answer.status >= 500) return false;
  await putRecord({ ...rec, state: "refused", status: answer.status });
  return true;
}

async function sync() {
  if (syncing) return;
  syncing = true;
  try {
    const waiting = (await allRecords()).filter((r) => r.state === "waiting")
      .sort((a, b) => a.made - b.made);
    let stopped = false;
    for (const rec of waiting) {
      if (!(await sendOne(rec))) { stopped = true; break; }
    }
    if (stopped) retryLater(); else retryMs = 0;
  } finally {
    syncing = false;
    await showStatus();
  }
}

function position() {
  const box = document.getElementById("send-position");
  if (!box || !box.checked || !navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => navigator.geolocation.getCurrentPosition(
    (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude }),
    () => resolve(null), { timeout: 5000, maximumAge: 60000 }));
}

async function record(form, button) {
  const stop = document.getElementById("stop");
  const said = form.querySelector(".recorded");
  const outcome = button.value;
  const body = { plan_id: Number(stop.dataset.planId), resident_id: form.dataset.resident,
    outcome, at: new Date().toISOString(), idempotency_key: newKey() };
  if (outcome === "postponed") {
    const date = form.querySelector("input[type=date]").value;
    if (!date) {
      said.textContent = words.tNeedsDate;
      said.classList.add("problem");
      return;
    }
    body.postponed_to = date;
  }
  const note = form.querySelector("textarea[name=note]");
  if (note && note.value.trim()) body.note = note.value.trim();
  const where = await position();
  if (where) Object.assign(body, where);
  const what = button.dataset.label;
  await putRecord({ key: body.idempotency_key, body, state: "waiting", made: Date.now(),
    seq: stop.dataset.seq, who: form.dataset.who, what });
  if (note) note.value = "";
  said.classList.remove("problem");
  said.textContent = fill(words.tRecorded, { what });
  showNow(form.parentElement.querySelector("[data-now]"), outcome, fill(words.tNow, { what }));
  await showStatus();
  sync();
}

function showNow(element, outcome, text) {
  element.className = "state state-" + outcome;
  element.textContent = text;
}

async function queuedOnPage() {
  // a page reloaded, or the app restarted, offline is the copy kept before the taps: the
  // outcomes still waiting in the queue are newer than what it says (latest tap wins)
  const waiting = (await allRecords().catch(() => [])).filter((r) => r.state === "waiting")
    .sort((a, b) => a.made - b.made);
  for (const rec of waiting) {
    const who = CSS.escape(rec.body.resident_id);
    const form = document.querySelector(`form.outcome[data-resident="${who}"]`);
    if (form) {
      showNow(form.parentElement.querySelector("[data-now]"), rec.body.outcome,
        fill(words.tNow, { what: rec.what }));
    }
    const chip = document.querySelector(`.field-stops .state[data-resident="${who}"]`);
    if (chip) showNow(chip, rec.body.outcome, rec.what);
  }
}

function outcomeButtons() {
  const box = document.getElementById("send-position");
  if (box) {
    box.checked = localStorage.getItem(POSITION) === "yes";
    box.addEventListener("change", () => localStorage.setItem(POSITION, box.checked ? "yes" : "no"));
  }
  for (const form of document.querySelectorAll("form.outcome")) {
    form.addEventListener("submit", (e) => e.preventDefault());
    for (const button of form.querySelectorAll("button[value]")) {
      button.addEventListener("click", () => record(form, button));
    }
  }
}

async function routeUpdated() {
  const route = document.getElementById("route");
  const version = route && route.dataset.planVersion;
  if (!version) return;
  const key = SEEN + route.dataset.day;
  const seen = localStorage.getItem(key);
  if (seen === null || seen === version || !navigator.onLine) {
    if (seen === null || seen === version) localStorage.setItem(key, version);
    return;
  }
  const query = new URLSearchParams({ day: route.dataset.day, since: seen });
  const answer = await fetch("/field/changes?" + query, { credentials: "same-origin" }).catch(() => null);
  if (!answer || !answer.ok) return;
  const changes = await answer.json();
  const items = [["added", words.tUpdatedAdded], ["removed", words.tUpdatedRemoved],
    ["moved", words.tUpdatedMoved]].filter(([k]) => changes[k].length)
    .map(([k, text]) => fill(text, { n: changes[k].length, who: changes[k].join(", ") }));
  const list = document.getElementById("updated-list");
  list.replaceChildren(...(items.length ? items : [words.tUpdatedNone]).map((text) => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }));
  document.getElementById("updated").hidden = false;
  localStorage.setItem(key, version);
}

async function serviceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (e) => {
    if (e.data && e.data.type === "signed-out") signedOut();
  });
  const registration = await navigator.serviceWorker.register("/field/sw.js", { scope: "/field" });
  const route = document.getElementById("route");
  const urls = [location.pathname + location.search, "/static/field.js", "/static/field.css",
    "/static/field-icon-192.png", "/field/manifest.webmanifest",
    ...((route && route.dataset.precache) || "").split(" ").filter(Boolean)];
  const worker = registration.active || registration.waiting || registration.installing;
  const ready = await navigator.serviceWorker.ready;
  (ready.active || worker).postMessage({ type: "precache", urls });
}

function start() {
  outcomeButtons();
  document.getElementById("refused-clear").addEventListener("click", async () => {
    for (const r of await allRecords()) if (r.state === "refused") await deleteRecord(r.key);
    await showStatus();
  });
  const ok = document.getElementById("updated-ok");
  if (ok) ok.addEventListener("click", () => { document.getElementById("updated").hidden = true; });
  window.addEventListener("online", () => { retryMs = 0; sync(); });
  window.addEventListener("offline", showStatus);
  queuedOnPage();
  sync();
  routeUpdated();
  serviceWorker().catch(() => {});
}

start();
