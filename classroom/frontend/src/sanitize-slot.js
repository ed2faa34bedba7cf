// Stands in for `sanitize-html` in the lesson pages' bundle (build.mjs aliases it here).
//
// The widget manager imports sanitize-html (~230 KB with its HTML and CSS parsers) for one job:
// cleaning the HTML of ipywidgets controls' descriptions. Lessons use anywidget only and never call
// it; the teacher's dashboard uses controls, and controls.js brings the real sanitizer and plugs it
// in here. Until then this fails closed: every tag is escaped, nothing is let through.
let real = null;

export function useSanitizer(sanitize) {
  real = sanitize;
}

export default function sanitize(source, options) {
  if (real) return real(source, options);
  return String(source).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
