// Progressive enhancement for the staff finder: everything works without this file.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  var resultsHeading = document.getElementById("results-heading");
  if (summary) {
    summary.focus();
  } else if (resultsHeading) {
    // After a search, take people (and screen readers) straight to the answer.
    resultsHeading.focus();
  }

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var back = document.querySelector("[data-back]");
  if (back && window.history.length > 1) {
    back.addEventListener("click", function (event) { event.preventDefault(); window.history.back(); });
  }

  // Only enable "Make a referral card" once something is ticked.
  var cardForm = document.querySelector(".card-form");
  if (cardForm) {
    var submit = cardForm.querySelector("button[type=submit]");
    var update = function () {
      var ticked = cardForm.querySelectorAll("input[name=service]:checked").length > 0;
      submit.setAttribute("aria-disabled", ticked ? "false" : "true");
    };
    cardForm.addEventListener("change", update);
    cardForm.addEventListener("submit", function (event) {
      if (!cardForm.querySelector("input[name=service]:checked")) { event.preventDefault(); }
    });
    update();
  }
})();
