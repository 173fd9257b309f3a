// A reply template fills the reply box.
(function () {
  const select = document.getElementById("reply-template");
  const text = document.querySelector("#action-form textarea[name=text]");
  if (select && text) select.addEventListener("change", function () { if (select.value) text.value = select.value; });
})();
