/* The donor's form: the category search, the attribute fields that fit the chosen category,
   and the focus on the first field with an error. Everything works without it: the category
   is a plain <select> grouped by top category, and every attribute field shows. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function categorySearch(box) {
    var select = document.getElementById(box.dataset.categorySearch);
    var input = box.querySelector("input[type=search]");
    var count = box.querySelector("[aria-live]");
    if (!select || !input) {
      return;
    }
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var found = 0;
      var first = null;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("option").forEach(function (option) {
          var haystack = fold(option.dataset.search || option.textContent);
          var match = words.every(function (word) {
            return haystack.indexOf(word) !== -1;
          });
          option.hidden = !match;
          option.disabled = !match;
          if (match) {
            shown += 1;
            first = first || option;
          }
        });
        group.hidden = shown === 0;
        found += shown;
      });
      var current = select.options[select.selectedIndex];
      if (words.length && first && (!current || !current.value || current.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change"));
      }
      if (count) {
        count.textContent = !words.length ? "" : found ? (count.dataset.found || "").replace("{count}", String(found)) : count.dataset.none || "";
      }
    });
  }

  function attributeFields(select) {
    var fields = document.querySelectorAll("[data-attribute]");
    function update() {
      var option = select.options[select.selectedIndex];
      var names = option && option.value ? (option.dataset.attributes || "").split(" ").filter(Boolean) : [];
      var any = false;
      fields.forEach(function (field) {
        var relevant = names.indexOf(field.dataset.attribute) !== -1;
        var input = field.querySelector("input");
        // An attribute the category does not have is hidden, unless something is typed in it.
        field.hidden = !relevant && !(input && input.value);
        any = any || !field.hidden;
      });
      var box = document.getElementById("attributes");
      if (box) {
        box.hidden = !any;
      }
    }
    select.addEventListener("change", update);
    update();
  }

  function start() {
    document.querySelectorAll("[data-category-search]").forEach(categorySearch);
    var select = document.getElementById("id_category");
    if (select) {
      attributeFields(select);
    }
    var invalid = document.querySelector("form [aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
