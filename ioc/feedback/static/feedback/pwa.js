// Installable app: register the service worker for the citizen pages.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/phan-anh/sw.js", { scope: "/phan-anh/" }).catch(function () {});
}
