// The language switch submits on change (no inline handlers: the CSP forbids them).
(function () {
  const select = document.getElementById("lang-select");
  if (select) { select.removeAttribute("onchange"); select.addEventListener("change", function () { select.form.submit(); }); }
})();
// On a phone the menu folds behind one button, so the page starts at the top of the screen.
(function () {
  const button = document.getElementById("menu-toggle");
  if (!button) return;
  button.addEventListener("click", function () {
    const open = document.body.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
