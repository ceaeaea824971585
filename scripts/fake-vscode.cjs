// A stand-in for the `vscode` module, good enough to load dist/client.js outside VS Code and run its
// activate(): used by scripts/measure-activation.mjs (start-up time) and test/unit/package.test.ts
// (which commands the client really registers). What the client and vscode-languageclient read at
// activation is spelled out below; anything else is a permissive stub (callable, constructible,
// every property another stub, never a thenable), so a new API call does not break the measure.
'use strict';
const Module = require('node:module');
const path = require('node:path');

/** Command ids passed to commands.registerCommand, in order, and their handlers. */
const registered = [];
const handlers = new Map();
/** Status bar items created, by id (their text and tooltip as last set). */
const statusBarItems = new Map();

const disposable = () => ({ dispose() {} });

function stub(name) {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => undefined;
      if (!cache.has(prop)) cache.set(prop, stub(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

/**
 * An object whose listed members are real and whose other members are stubs. The stubs come from
 * its prototype, so that they survive esbuild's `__toESM` copy (it keeps the prototype).
 */
function partial(name, members) {
  const cache = new Map();
  const fallback = new Proxy(Object.create(null), {
    get(_t, prop) {
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      if (prop in Object.prototype) return Object.prototype[prop];
      if (!cache.has(prop)) cache.set(prop, stub(`${name}.${prop}`));
      return cache.get(prop);
    },
  });
  return Object.assign(Object.create(fallback), members);
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(p) {
    return new Uri('file', p);
  }
  static parse(s) {
    return s.startsWith('file://') ? new Uri('file', decodeURIComponent(s.slice(7))) : new Uri('unknown', s);
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, path.join(base.fsPath, ...parts));
  }
  toString() {
    return `file://${this.fsPath}`;
  }
  with() {
    return this;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener) => {
      this.listeners.add(listener);
      return { dispose: () => this.listeners.delete(listener) };
    };
  }
  fire(e) {
    for (const l of this.listeners) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  static from(...ds) {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose() {
    this.fn?.();
  }
}

const configuration = partial('WorkspaceConfiguration', {
  get: (_key, fallback) => fallback,
  has: () => false,
  inspect: () => undefined,
  update: async () => undefined,
});

function createVscode(workspaceFolder) {
  const folder = { uri: Uri.file(workspaceFolder), name: path.basename(workspaceFolder), index: 0 };
  const event = () => disposable();
  return partial('vscode', {
    version: '1.82.0',
    Uri,
    EventEmitter,
    Disposable,
    commands: partial('commands', {
      registerCommand: (id, handler) => {
        registered.push(id);
        handlers.set(id, handler);
        return disposable();
      },
      executeCommand: async () => undefined,
      getCommands: async () => [...registered],
    }),
    workspace: partial('workspace', {
      workspaceFolders: [folder],
      textDocuments: [],
      getConfiguration: () => configuration,
      getWorkspaceFolder: () => folder,
      onDidChangeConfiguration: event,
      onDidChangeWorkspaceFolders: event,
      onDidOpenTextDocument: event,
      onDidCloseTextDocument: event,
      onDidChangeTextDocument: event,
      onDidSaveTextDocument: event,
      createFileSystemWatcher: () => partial('FileSystemWatcher', { onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
      registerTextDocumentContentProvider: () => disposable(),
    }),
    window: partial('window', {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: event,
      onDidChangeVisibleTextEditors: event,
      createOutputChannel: (name) => partial('OutputChannel', { name, append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {} }),
      createStatusBarItem: (id) => {
        const item = partial('StatusBarItem', { id, text: '', show() {}, hide() {}, dispose() {} });
        statusBarItems.set(id, item);
        return item;
      },
      showErrorMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    }),
    extensions: partial('extensions', { getExtension: () => undefined, all: [] }),
  });
}

/** A fake ExtensionContext for an extension installed in `extensionPath`. */
function createContext(extensionPath) {
  const memento = () => partial('Memento', { get: (_k, fallback) => fallback, update: async () => undefined, keys: () => [] });
  return partial('ExtensionContext', {
    extensionPath,
    extensionUri: Uri.file(extensionPath),
    asAbsolutePath: (p) => path.join(extensionPath, p),
    subscriptions: [],
    workspaceState: memento(),
    globalState: memento(),
    storageUri: undefined,
    globalStorageUri: Uri.file(path.join(extensionPath, '.global-storage')),
    logUri: Uri.file(path.join(extensionPath, '.log')),
    extensionMode: 1,
    environmentVariableCollection: stub('environmentVariableCollection'),
  });
}

/**
 * Makes `require('vscode')` return the fake (for every module loaded after this call) and returns it
 * with a function that takes the hook out again.
 */
function installFakeVscode(workspaceFolder = process.cwd()) {
  const vscode = createVscode(workspaceFolder);
  const id = path.join(__dirname, '__fake_vscode__.js');
  const m = new Module(id);
  m.filename = id;
  m.loaded = true;
  m.exports = vscode;
  Module._cache[id] = m;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? id : resolve.call(this, request, ...rest);
  };
  return {
    vscode,
    uninstall() {
      Module._resolveFilename = resolve;
      delete Module._cache[id];
    },
  };
}

module.exports = { installFakeVscode, createContext, registered, handlers, statusBarItems };
