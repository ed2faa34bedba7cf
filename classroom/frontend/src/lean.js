// The lean lesson-page front end of `hocvuso serve` (see hocvuso.classroom._frontend).
//
// A classroom page arrives rendered by the server: its lesson text is HTML, each code cell's outputs
// are JSON in <script type="application/vnd.voila.cell-output+json">. What the phone still needs is
// what makes the widgets live: a connection to the page's kernel (@jupyterlab/services), the
// ipywidgets manager (@jupyter-widgets/base-manager), the anywidget runtime — not JupyterLab's
// application shell, rendermime registry and theme machinery that stock Voilà starts for it.
//
// The browser never asks the kernel to execute code (the server refuses it anyway): it only opens
// widget comms, as Voilà's own front end does.
import * as base from '@jupyter-widgets/base';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { Widget } from '@lumino/widgets';
import anywidgetFactory from 'anywidget';

const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';

function once(load) {
  let loaded = null;
  return () => (loaded ??= load());
}

// Which widget modules a page may use, loaded on first use. The lessons use anywidget only; the
// teacher's dashboard uses ipywidgets' controls, a separate file fetched only there.
const MODULES = {
  '@jupyter-widgets/base': async () => base,
  anywidget: once(async () => anywidgetFactory(base)),  // one AnyModel/AnyView pair: they share a runtime map
  '@jupyter-widgets/controls': once(() => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('./controls-style.css', import.meta.url).href;
    document.head.appendChild(css);
    return import('./controls.js');
  }),
};

class LeanWidgetManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) =>
      this.handle_comm_open(new base.shims.services.Comm(comm), msg));
  }

  async loadClass(className, moduleName, moduleVersion) {
    const load = MODULES[moduleName];
    if (!load) throw new Error(`widget module ${moduleName}@${moduleVersion} is not in the lean front end`);
    const cls = (await load())[className];
    if (!cls) throw new Error(`class ${className} not found in ${moduleName}`);
    return cls;
  }

  async _create_comm(target, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }
}

function pageConfig() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent) : {};
}

function textOutput(text, mime) {
  const pre = document.createElement('pre');
  pre.textContent = text;
  const host = document.createElement('div');
  host.className = 'lm-Widget jp-RenderedText';
  host.setAttribute('data-mime-type', mime);
  host.appendChild(pre);
  return host;
}

function join(text) {
  return Array.isArray(text) ? text.join('') : String(text ?? '');
}

// One output, drawn as JupyterLab's renderers would (the same classes, so the page's CSS applies).
function renderOutput(output, manager) {
  const data = output.data || {};
  if (output.output_type === 'stream') return textOutput(join(output.text), `application/vnd.jupyter.${output.name}`);
  if (output.output_type === 'error') {
    return textOutput(`${output.ename}: ${output.evalue}`, 'application/vnd.jupyter.stderr');
  }
  if (data[WIDGET_VIEW] && manager) {
    const host = document.createElement('div');
    host.className = 'lm-Widget jupyter-widgets jp-RenderedWidget';
    manager.ready.then(async () => {
      const model = await manager.get_model(data[WIDGET_VIEW].model_id);
      const view = await manager.create_view(model, {});
      Widget.attach(view.luminoWidget, host);
    }).catch((err) => {
      console.error('hocvuso: a widget could not be drawn', err, err && err.stack);
      host.appendChild(textOutput(`Widget: ${err.message || err}`, 'application/vnd.jupyter.stderr'));
    });
    return host;
  }
  if (data['text/html'] !== undefined) {
    const host = document.createElement('div');
    host.className = 'lm-Widget jp-RenderedHTMLCommon jp-RenderedHTML';
    host.setAttribute('data-mime-type', 'text/html');
    host.innerHTML = join(data['text/html']);
    // Scripts set by innerHTML do not run; the notebooks are the server's own (trusted), as in Voilà.
    host.querySelectorAll('script').forEach((old) => {
      const s = document.createElement('script');
      for (const a of old.attributes) s.setAttribute(a.name, a.value);
      s.textContent = old.textContent;
      old.replaceWith(s);
    });
    return host;
  }
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    if (data[mime] !== undefined) {
      const img = document.createElement('img');
      img.src = `data:${mime};base64,${join(data[mime]).replace(/\n/g, '')}`;
      const host = document.createElement('div');
      host.className = 'lm-Widget jp-RenderedImage';
      host.appendChild(img);
      return host;
    }
  }
  if (data['image/svg+xml'] !== undefined) {
    const host = document.createElement('div');
    host.className = 'lm-Widget jp-RenderedSVG';
    host.innerHTML = join(data['image/svg+xml']);
    return host;
  }
  if (data['text/plain'] !== undefined) return textOutput(join(data['text/plain']), 'text/plain');
  return null;
}

function connect(config) {
  const baseUrl = config.baseUrl || '/';
  if (!config.kernelId) return null;
  const serverSettings = ServerConnection.makeSettings({ baseUrl });
  // Comms on the main shell, as Voilà's own front end does: the server refuses subshell requests.
  const kernel = new KernelConnection({
    model: { id: config.kernelId, name: 'python3' }, serverSettings, commsOverSubshells: 'disabled',
  });
  const manager = new LeanWidgetManager(kernel);
  // The widgets that already exist in the kernel (made while the server ran the notebook).
  manager.ready = manager._loadFromKernel();
  window.addEventListener('beforeunload', () => {
    // Give the kernel back at once, as Voilà does (its shutdown URL, with Tornado's XSRF token).
    const data = new FormData();
    data.append('_xsrf', (document.cookie.match('\\b_xsrf=([^;]*)\\b') || [])[1] || '');
    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernel.id}`, data);
    kernel.dispose();
  });
  return manager;
}

function start() {
  // Show the server-rendered lesson now: nothing in it waits for a theme.
  window.themeLoaded = true;
  if (window.display_cells) window.display_cells();
  const manager = connect(pageConfig());
  window.hvWidgetManager = manager;
  document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]').forEach((script) => {
    let output;
    try {
      output = JSON.parse(script.textContent);
    } catch (err) {
      console.error('hocvuso: unreadable cell output', err);
      return;
    }
    const node = renderOutput(output, manager);
    if (!node) return;
    node.classList.add('jp-OutputArea-output');
    script.replaceWith(node);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
