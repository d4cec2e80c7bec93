// VaxRoute field app's service worker (served at /field/sw.js, scope /field: api/pages/field.py).
//
// Pages under /field are network-first (a new plan reaches the tablet as soon as there is
// network) and fall back to the copy kept here; /static and the maps' /assets are cache-first
// (refreshed behind the kept copy).
// The page asks for the day to be kept ({type: "precache", urls}): the route, each stop page
// and the map, plus the scripts and styles those pages name. Only 200 answers are kept; a 401
// (the tablet was revoked) empties the cache and tells the pages, which clear their queue
// (the server's Clear-Site-Data does the same). POSTs are never touched: field.js queues them.

const CACHE = "vaxroute-field-v1";
const ASSET = /(?:src|href)="(\/(?:assets|static)\/[^"?#]+)"/g;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function signedOut() {
  for (const name of await caches.keys()) await caches.delete(name);
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage({ type: "signed-out" });
  }
}

async function keep(cache, url) {
  const answer = await fetch(url, { credentials: "same-origin" });
  if (answer.status === 401) {
    await signedOut();
    return;
  }
  if (!answer.ok) return;
  const type = answer.headers.get("content-type") || "";
  if (type.startsWith("text/html")) {
    const text = await answer.clone().text();
    const assets = new Set(Array.from(text.matchAll(ASSET), (m) => m[1]));
    await Promise.all([...assets].map((a) => cache.match(a).then((hit) => hit || keep(cache, a))));
  }
  await cache.put(url, answer);
}

// A slow line is latency-bound (each page costs a round trip): a few pages at a time, not a
// day's twenty-five one after another.
const LANES = 4;

async function precache(urls) {
  const cache = await caches.open(CACHE);
  const queue = [...urls];
  const lane = async () => {
    while (queue.length) {
      const url = queue.shift();
      try {
        await keep(cache, url);
      } catch {
        // offline or refused: the next load tries again
      }
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "precache") event.waitUntil(precache(event.data.urls));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const answer = await fetch(request);
    if (answer.status === 401) await signedOut();
    else if (answer.ok) await cache.put(request, answer.clone());
    return answer;
  } catch (error) {
    const url = new URL(request.url);
    const hit = (await cache.match(request))
      || (url.pathname === "/field" ? await cache.match(request, { ignoreSearch: true }) : undefined);
    if (hit) return hit;
    throw error;
  }
}

async function refresh(cache, request) {
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(request, answer.clone());
    return answer;
  } catch (error) {
    return undefined;
  }
}

async function cacheFirst(event) {
  // the kept copy at once; a fresh one is fetched behind it for the next load (a new
  // field.js reaches the tablet one load later)
  const cache = await caches.open(CACHE);
  const hit = await cache.match(event.request, { ignoreSearch: true });
  if (hit) {
    event.waitUntil(refresh(cache, event.request));
    return hit;
  }
  const answer = await refresh(cache, event.request);
  return answer || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/field/sw.js") return;
  if (url.pathname === "/field" || url.pathname.startsWith("/field/")) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/assets/")) {
    event.respondWith(cacheFirst(event));
  }
});
