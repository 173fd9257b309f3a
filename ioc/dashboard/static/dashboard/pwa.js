// Installable staff app (the leader's phone): register the service worker for the staff pages.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/dashboard/sw.js", { scope: "/dashboard/" }).catch(function () {});
}
