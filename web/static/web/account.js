// The pages for everyone: after a refused form, the first field with an error gets the focus,
// so a keyboard or screen reader user lands where the fix is.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("main [aria-invalid='true']");
  if (first) {
    first.focus();
  }
});
