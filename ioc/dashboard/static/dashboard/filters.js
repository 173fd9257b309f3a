// Pages without the map reload with the new filters when one changes.
(function () {
  const form = document.getElementById("filters");
  if (form) form.addEventListener("change", function () { form.submit(); });
})();
