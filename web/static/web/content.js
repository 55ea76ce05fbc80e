// The editors' forms of pages, handouts and translations: after a refused save, the first
// field with an error gets the focus, so a keyboard or screen reader user lands where the fix
// is. The forms work the same without this file.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("main [aria-invalid='true']");
  if (first) {
    first.focus();
  }
});
