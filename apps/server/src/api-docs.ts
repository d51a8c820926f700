import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

/**
 * Colours of Swagger UI (swagger-ui-dist 5.x) that fall short of WCAG 2.1 AA contrast, raised: the
 * method badges (white on light blue, green, red…), the Authorize button, the version pills and the
 * link to the OpenAPI document. Served as a stylesheet from this origin, so the CSP stays as it is.
 */
const contrastCss = `
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1c6bb5; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #187a4f; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #a35200; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3261e; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0f7564; }
.swagger-ui .opblock.opblock-head .opblock-summary-method { background: #7a0fd6; }
.swagger-ui .opblock.opblock-deprecated .opblock-summary-method { color: #3b4151; }
.swagger-ui .opblock .opblock-summary-method { text-shadow: none; }
.swagger-ui .btn.authorize { border-color: #187a4f; color: #187a4f; }
.swagger-ui .btn.authorize svg { color: #187a4f; }
.swagger-ui .info .title small { background: #555b66; }
.swagger-ui .info .title small.version-stamp { background-color: #4a6b00; }
.swagger-ui .info a { color: #1f69c0; text-decoration: underline; }
.swagger-ui .parameter__in, .swagger-ui .parameter__extension { color: #545454; }
.swagger-ui .parameter__deprecated { color: #b3261e; }
.swagger-ui .prop-format { color: #545454; }
.swagger-ui .response-col_status .response-undocumented,
.swagger-ui .response-col_links .response-undocumented { color: #545454; }
.swagger-ui .download-contents { background: #555b66; }
.swagger-ui .btn.cancel { border-color: #b3261e; color: #b3261e; }
.swagger-ui .btn.execute { background-color: #1c6bb5; border-color: #1c6bb5; }
.swagger-ui .markdown code, .swagger-ui .renderedMarkdown code { color: #6a0dbd; }
.swagger-ui .prop-type, .swagger-ui .json-schema-2020-12__attribute--primary { color: #44448c; }
.swagger-ui .json-schema-2020-12__attribute--muted { color: #595959; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #545454; }
.swagger-ui .json-schema-2020-12__constraint { background-color: #6b46c1; }
.swagger-ui .json-schema-2020-12__constraint--string { background-color: #8a5a00; }
/* Examples wrap and grow instead of scrolling: a scrolling box the keyboard cannot reach hides text. */
.swagger-ui .highlight-code > .microlight { max-height: none; overflow-y: visible; }
`;

/**
 * Names for Swagger UI's controls that have none (the dialog's close button, a schema's expand
 * button) and button names that say what the button reads (the dialog's "Authorize" is named
 * "Apply credentials"): WCAG 4.1.2 and 2.5.3. Swagger UI renders them later and again, so they are
 * named whenever the page changes. A script file from this origin: the CSP stays as it is.
 */
const accessibleNamesJs = `(() => {
  const name = () => {
    for (const button of document.querySelectorAll('.swagger-ui .close-modal:not([aria-label])'))
      button.setAttribute('aria-label', 'Close');
    for (const button of document.querySelectorAll('.swagger-ui .json-schema-2020-12-accordion')) {
      if (button.textContent.trim()) button.removeAttribute('aria-label');
      else if (!button.hasAttribute('aria-label')) button.setAttribute('aria-label', 'Expand or collapse');
    }
    for (const button of document.querySelectorAll('.swagger-ui .auth-btn-wrapper button[aria-label]'))
      if (!button.getAttribute('aria-label').includes(button.textContent.trim())) button.removeAttribute('aria-label');
  };
  name();
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
})();
`;

/**
 * Swagger UI at /docs. Without the stand-alone top bar: it only offers a box to load another
 * document (unlabelled) beside the Swagger logo (no text alternative), and this page documents
 * this server alone. Without deep links: they put a link inside each operation's expand button,
 * which screen readers and keyboards cannot reach as two controls.
 */
export const apiDocsUi: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  uiConfig: { layout: 'BaseLayout', deepLinking: false, syntaxHighlight: false },
  theme: {
    title: 'dinhdanh API',
    css: [{ filename: 'contrast.css', content: contrastCss }],
    js: [{ filename: 'accessible-names.js', content: accessibleNamesJs }],
  },
};
