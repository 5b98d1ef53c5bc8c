// "Use my location": searches at once from the browser's coordinates (with the distance and filters
// already chosen). Without JavaScript the button stays hidden and the box takes a ZIP code or city.
// Its messages are on the status line's data- attributes, in the page's language (templates/centers/_refine.html).
(function () {
  var button = document.querySelector("[data-locate]");
  var status = document.querySelector("[data-locate-status]");
  var input = document.getElementById("id_location");
  if (!button || !input || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = status.dataset.finding;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        input.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        status.textContent = status.dataset.searching;
        input.form.submit();
      },
      function (error) {
        button.disabled = false;
        status.textContent =
          error.code === error.PERMISSION_DENIED
            ? status.dataset.blocked
            : status.dataset.failed;
        input.focus();
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
