// Service worker of the staff app: network first; the leader's page and its styles answer when offline.
const CACHE = "ioc-staff-v1";
const SHELL = {{ shell|safe }};
self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k.startsWith("ioc-staff")).map((k) => caches.delete(k)))));
});
self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const path = new URL(event.request.url).pathname;
  if (!SHELL.includes(path)) return;
  event.respondWith(
    fetch(event.request).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((cache) => cache.put(event.request, copy)); }
      return response;
    }).catch(() => caches.match(event.request))
  );
});
