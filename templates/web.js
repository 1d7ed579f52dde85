// Progressive enhancement for the matrix-tools page: the forms work without it.
// - a file dropped anywhere on a drop area is put into that area's file input;
// - the chosen file names are shown in the area;
// - the submit button says the job is running, so nobody sends the form twice.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("label.drop").forEach(function (area) {
    var input = area.querySelector("input[type=file]");
    var hint = area.querySelector(".drop-hint");
    function show() {
      if (input.files && input.files.length) {
        hint.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
      }
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      area.addEventListener(name, function (event) { event.preventDefault(); area.classList.add("dragover"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      area.addEventListener(name, function () { area.classList.remove("dragover"); });
    });
    area.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  });
  document.querySelectorAll("form.job").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.dataset.label = button.textContent; button.disabled = true; button.textContent = "Working…"; }
    });
  });
  // back/forward cache: a page shown again must not keep a disabled button
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.job button[type=submit]").forEach(function (b) {
      b.disabled = false;
      if (b.dataset.label) { b.textContent = b.dataset.label; }
    });
  });
});
