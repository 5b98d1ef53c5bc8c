// "Use my location": searches at once from the browser's coordinates (with the distance and filters
// already chosen). Without JavaScript the button stays hidden and the box takes a ZIP code or city.
(function () {
  var button = document.querySelector("[data-locate]");
  var status = document.querySelector("[data-locate-status]");
  var input = document.getElementById("id_location");
  if (!button || !input || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        input.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        status.textContent = "Searching near you…";
        input.form.submit();
      },
      function (error) {
        button.disabled = false;
        status.textContent =
          error.code === error.PERMISSION_DENIED
            ? "Location is blocked for this site, so we can't search near you. Type a ZIP code or city instead, or allow location in your browser's settings."
            : "We couldn't get your location. Type a ZIP code or city instead.";
        input.focus();
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
