// The request-flow diagram's only script: a click (or Enter/Space) on a box, a route or a chip
// asks the extension to open a location, trace a path or run one of its commands.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  /** @param {Element} el */
  function act(el) {
    const open = el.getAttribute('data-open');
    const trace = el.getAttribute('data-trace');
    const command = el.getAttribute('data-command');
    if (open) vscode.postMessage({ type: 'open', location: JSON.parse(open) });
    else if (trace) vscode.postMessage({ type: 'trace', ...JSON.parse(trace) });
    else if (command) vscode.postMessage({ type: 'command', command });
  }
  /** @param {EventTarget | null} t */
  function target(t) {
    return t instanceof Element ? t.closest('[data-open],[data-trace],[data-command]') : null;
  }
  document.addEventListener('click', (e) => {
    const el = target(e.target);
    if (!el) return;
    e.stopPropagation();
    act(el);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = target(e.target);
    if (!el) return;
    e.preventDefault();
    act(el);
  });
  // Zoom: fit the diagram to the panel's width (the default), or 100 %; remembered by the panel.
  const diagram = /** @type {HTMLElement | null} */ (document.querySelector('.diagram'));
  const viewport = /** @type {HTMLElement | null} */ (document.querySelector('.viewport'));
  const zoomButton = document.querySelector('[data-zoom]');
  let fit = (vscode.getState() || {}).fit !== false;
  function layout() {
    if (!diagram || !viewport) return;
    const w = Number(diagram.getAttribute('data-width'));
    const h = Number(diagram.getAttribute('data-height'));
    const style = getComputedStyle(document.body);
    const available = document.body.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 2;
    const scale = fit ? Math.max(0.45, Math.min(1, available / w)) : 1;
    diagram.style.transform = scale === 1 ? '' : `scale(${scale})`;
    viewport.style.width = `${Math.ceil(w * scale)}px`;
    viewport.style.height = `${Math.ceil(h * scale)}px`;
    if (zoomButton) {
      zoomButton.textContent = fit ? '100 %' : 'Fit';
      zoomButton.setAttribute('title', fit ? 'Show the diagram at 100 %' : 'Fit the diagram to the panel');
    }
  }
  zoomButton?.addEventListener('click', (e) => {
    e.stopPropagation();
    fit = !fit;
    vscode.setState({ ...(vscode.getState() || {}), fit });
    layout();
  });
  window.addEventListener('resize', layout);
  layout();
  // Hovering a box highlights the arrows into and out of it.
  document.addEventListener('mouseover', (e) => {
    const box = e.target instanceof Element ? e.target.closest('.box') : null;
    const step = box?.getAttribute('data-step');
    for (const p of document.querySelectorAll('.edge')) {
      p.classList.toggle('hot', step !== undefined && step !== null && (p.getAttribute('data-from') === step || p.getAttribute('data-to') === step));
    }
  });
})();
