// Helpline workspace. Everything works without this file; it only adds conveniences:
// - "Copy" puts the text-message version on the clipboard (or selects it to copy by hand), saying so in the
//   words of its data- attributes (the page's language);
// - "Print" opens the print dialog on the handout;
// - after adding a result to the shortlist, focus returns to that result instead of the search box.
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var text = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!text) return;
    button.hidden = false;

    function say(message) {
      if (status) status.textContent = message;
    }

    function selectText() {
      text.focus();
      text.select();
      say(button.dataset.selected);
    }

    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text.value).then(function () { say(button.dataset.copied); }, selectText);
      } else {
        selectText();
      }
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The search box has autofocus for a new search; when coming back to a result (#facility-12),
  // that result is what the worker was looking at.
  if (window.location.hash.indexOf("#facility-") === 0) {
    var card = document.getElementById(window.location.hash.slice(1));
    if (card) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "start" });
    }
  }
})();
