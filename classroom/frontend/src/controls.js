// ipywidgets' controls, for the teacher's dashboard (fetched only there, with controls-style.css),
// and the real HTML sanitizer their descriptions need (see sanitize-slot.js).
import sanitize from '../node_modules/sanitize-html/index.js';
import { useSanitizer } from './sanitize-slot.js';

useSanitizer(sanitize);

export * from '@jupyter-widgets/controls';
