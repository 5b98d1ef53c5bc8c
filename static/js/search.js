// After a search: focus moves to the results heading, so keyboard and screen-reader users start at
// the results (the page itself already shows them first). On a wide screen the Refine panel is the
// side column, so it opens; the CSS shows it there without JavaScript too.
(function () {
  var refine = document.querySelector("details.refine");
  if (refine && window.matchMedia("(min-width: 60rem)").matches) refine.open = true;
  var heading = document.getElementById("results-heading");
  if (heading && !document.querySelector(".error-summary")) heading.focus();
})();
