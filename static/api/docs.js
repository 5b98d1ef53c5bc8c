// Swagger UI for Finder's API description (templates/api/docs.html). A file, not an inline script: the
// Content-Security-Policy allows scripts from Finder's own static files only.
(function () {
  "use strict";
  var holder = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: holder.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Never ask validator.swagger.io (another host) to check the description.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
