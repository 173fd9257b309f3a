// Upload with a progress bar, then follow the import in the worker until it is done; list every refused row.
(function () {
  "use strict";
  const form = document.getElementById("import-form");
  const bar = document.getElementById("import-progress");
  const status = document.getElementById("import-status");
  const refused = document.getElementById("refused");
  const L = document.getElementById("import-labels").dataset;

  function show(run) {
    if (run.state === "failed") { status.textContent = L.failed + ": " + run.error; bar.hidden = true; return; }
    if (run.state !== "done") { status.textContent = L.processing + "… " + run.rows; bar.removeAttribute("value"); return; }
    bar.value = 100;
    status.textContent = L.done + ": " + run.created + " " + L.created + ", " + run.updated + " " + L.updated + ", " +
      run.refused_count + " " + L.refused + (run.applied ? "" : " — " + L.none);
    document.body.dataset.importDone = "1";
    refused.hidden = !run.refused.length;
    run.refused.forEach(function (r) {
      const tr = refused.insertRow();
      [r.line, r.code, r.reason].forEach(function (v) { tr.insertCell().textContent = v; });
    });
  }

  function poll(url) {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (run) {
      show(run);
      if (run.state === "queued" || run.state === "running") setTimeout(function () { poll(url); }, 700);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 90); status.textContent = L.uploading + " " + bar.value + "%"; }
    };
    xhr.onload = function () {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { message: xhr.statusText }; }
      if (xhr.status >= 400) { status.textContent = body.message || xhr.statusText; bar.hidden = true; return; }
      poll(body.status_url);
    };
    xhr.send(new FormData(form));
  });
})();
