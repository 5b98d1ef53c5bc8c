// A facility's page: "Share" and "Print". Everything works without this file: "Link to this page" is a
// plain link (press and hold it to copy or share), and the browser's own menu prints the same one page.
// - Share opens the phone's share sheet (Web Share API) or, where there is none, copies the link and
//   says "Link copied" (or shows the link to copy by hand when the clipboard is not available).
// - Print opens the print dialog.
// Its messages are on the status line's data- attributes, in the page's language (centers/_detail_actions.html).
(function () {
  var link = document.querySelector("[data-share-link]");
  var button = document.querySelector("[data-share]");
  var status = document.querySelector("[data-share-status]");

  function say(message) {
    if (status) status.textContent = message;
  }

  if (link && button) {
    var url = button.getAttribute("data-share-url");
    var title = button.getAttribute("data-share-title");
    link.hidden = true;
    button.hidden = false;

    var showLink = function () {
      say(status.dataset.copyThis + " " + url);
    };

    var copy = function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () {
          say(status.dataset.copied);
        }, showLink);
      } else {
        showLink();
      }
    };

    button.addEventListener("click", function () {
      say("");
      if (navigator.share) {
        navigator.share({ title: title, url: url }).catch(function (error) {
          // Closing the share sheet is a choice, not a failure; anything else falls back to copying.
          if (!error || error.name !== "AbortError") copy();
        });
      } else {
        copy();
      }
    });
  }

  document.querySelectorAll("[data-print]").forEach(function (print) {
    var item = print.closest("[data-print-item]") || print;
    item.hidden = false;
    print.addEventListener("click", function () {
      window.print();
    });
  });
})();
