// Keyboard shortcuts: on the review page m / n / u press the Match / Not a match / Unsure buttons;
// "/" jumps to the search box. Keys typed into a text field are left alone.
"use strict";
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) { return; }
  var target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) {
    if (event.key === "Escape") { target.blur(); }
    return;
  }
  if (event.key === "/") {
    var search = document.getElementById("search");
    if (search) { event.preventDefault(); search.focus(); }
    return;
  }
  var button = document.querySelector('button[data-key="' + event.key.toLowerCase() + '"]');
  if (button && !button.disabled) {
    event.preventDefault();
    button.disabled = true;  // one label per key press, even if the key repeats
    var form = button.form;
    var label = document.createElement("input");
    label.type = "hidden";
    label.name = button.name;
    label.value = button.value;
    form.appendChild(label);
    form.submit();
  }
});
