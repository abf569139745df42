// Starts Swagger UI from a file, so the docs page needs no inline script (CSP). BaseLayout:
// the page has the app's own bar (templates/api/docs.html) instead of Swagger's top bar, whose
// logo links to swagger.io and whose box loads other documents.
window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.dataset.specUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
  });
});
