// The language switch submits on change (no inline handlers: the CSP forbids them).
(function () {
  const select = document.getElementById("lang-select");
  if (select) { select.removeAttribute("onchange"); select.addEventListener("change", function () { select.form.submit(); }); }
})();
