// The volunteer's profile form: after a refused save, move focus to the first field with an
// error (the page marks it with autofocus), also where a browser restores the page without
// honouring autofocus. The form works the same without this file.
document.addEventListener("DOMContentLoaded", function () {
  if (!document.querySelector("[data-error-summary]")) return;
  var first = document.querySelector(".volunteer-form [autofocus]");
  if (first && document.activeElement !== first) first.focus();
});
