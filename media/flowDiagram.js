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
  // Hovering a box highlights the arrows into and out of it.
  document.addEventListener('mouseover', (e) => {
    const box = e.target instanceof Element ? e.target.closest('.box') : null;
    const step = box?.getAttribute('data-step');
    for (const p of document.querySelectorAll('.edge')) {
      p.classList.toggle('hot', step !== undefined && step !== null && (p.getAttribute('data-from') === step || p.getAttribute('data-to') === step));
    }
  });
})();
