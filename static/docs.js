// Starts Swagger UI on /docs with Hearth's own document. A file, not an inline
// script, so the page keeps the strict script-src 'self' policy.
// validatorUrl null: the badge would send the document to an outside service.
globalThis.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
  validatorUrl: null,
  // Its colours fail contrast on the dark code background; plain text reads well.
  syntaxHighlight: false,
  presets: [globalThis.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
