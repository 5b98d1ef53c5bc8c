// "Use my location": fills the place box with the browser's coordinates. Without JavaScript the
// button stays hidden and the box takes a ZIP code or city as usual.
(function () {
  var button = document.querySelector("[data-locate]");
  var status = document.querySelector("[data-locate-status]");
  var input = document.getElementById("id_location");
  if (!button || !input || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        input.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        status.textContent = "Location filled in. Press Search.";
        input.focus();
      },
      function () {
        status.textContent = "We couldn't get your location. Type a ZIP code or city instead.";
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
