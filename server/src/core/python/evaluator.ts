/**
 * A static evaluator for the top level of Python modules: the subset Django configuration code
 * uses (imports, assignments, `+=`, list mutation, `if`/`try`, literals, paths, calls to known
 * library functions, class and function definitions). It never runs the user's code; what it cannot
 * know becomes `unknown`. One `ModuleEnv` per module, filled statement by statement, so circular
 * imports see a partly filled module exactly as Python does. Known library names are handled in
 * builtins.ts.
 */
import path from 'node:path';
import type { Node, Tree } from './parser';
import { parsePython } from './parser';
import {
  type Value, type Loc, type DefV, type ClassInfo, type ListV, type DictV, type StrV,
  UNKNOWN, NONE, str, truthy, equals, withCond,
} from './values';
import { callBuiltin, getBuiltinAttr, isKnownName, strtobool } from './builtins';
import { resolveRelative } from './modules';

export interface ModuleEnv {
  name: string;
  file: string | undefined;
  isPackage: boolean;
  external: boolean;
  scope: Map<string, Value>;
  /** Where each top-level name was last assigned (settings provenance). */
  setAt: Map<string, Loc>;
  /** True once the whole module has been executed (false while a circular import is in progress). */
  done: boolean;
  /** What this module could not resolve (missing modules, syntax errors), for the log and diagnostics. */
  problems: { message: string; loc?: Loc }[];
  /** Modules it imports, in statement order (admin registrations follow Python's import order). */
  imports?: string[];
}

/** What the evaluator needs from the project it runs in. */
export interface EvalContext {
  /** Evaluates (or returns the memoized) module; undefined when it cannot be found or read. */
  getModule(name: string): ModuleEnv | undefined;
  /** True if a module of that name exists (without evaluating it). */
  moduleExists(name: string): boolean;
  /** True once the module has been evaluated (or is being evaluated). */
  isEvaluated?(name: string): boolean;
  /** `settings.NAME` as the project's settings module defines it (with Django's defaults). */
  settingsValue(name: string): Value;
  /** `admin.site.register(...)` and `@admin.register(...)`. */
  onAdminRegister(models: Value[], admin: Value | undefined, loc: Loc, unregister?: boolean): void;
  /** The model class an `app_label.ModelName` string names. */
  modelByLabel?(label: string): Value | undefined;
  /** `register_converter(Converter, "name")`. */
  onRegisterConverter(converter: Value, name: string, loc: Loc): void;
  /** The DRF router builtin a project class derives from (`rest_framework.routers.DefaultRouter`), if any. */
  routerKind?(cls: DefV): string | undefined;
  /** Whether a class is a Django model field (its instances keep their arguments). */
  isFieldClass?(cls: DefV): boolean;
  /** `sys.path.insert(0, ...)` / `sys.path.append(...)` (manage.py adding `src/`). */
  onSysPath?(dir: string): void;
  nextId(): number;
}

export function locOf(file: string, node: Node): Loc {
  return {
    file,
    line: node.startPosition.row,
    character: node.startPosition.column,
    endLine: node.endPosition.row,
    endCharacter: node.endPosition.column,
  };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '',
};

function unescapePython(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.|\n)/g, (m, e: string) => {
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e) && e !== '0') return String.fromCharCode(parseInt(e, 8));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}

/**
 * The value of a string literal node (`string` or `concatenated_string`), or undefined when it has
 * interpolations (f-strings) or is a bytes literal.
 */
export function stringLiteral(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const c of node.namedChildren) {
      const part = stringLiteral(c);
      if (part === undefined) return undefined;
      out += part;
    }
    return out;
  }
  if (node.type !== 'string') return undefined;
  // One read of the node's text (calls into the parser are what cost here).
  const text = node.text;
  const m = /^([a-zA-Z]{0,2})('''|"""|'|")/.exec(text);
  if (!m) return undefined;
  const prefix = m[1].toLowerCase();
  const quote = m[2];
  if (prefix.includes('b')) return undefined;
  const closed = text.length >= m[0].length + quote.length && text.endsWith(quote);
  const body = text.slice(m[0].length, closed ? text.length - quote.length : text.length);
  if (prefix.includes('f')) {
    if (node.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
    const plain = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    return prefix.includes('r') ? plain : unescapePython(plain);
  }
  return prefix.includes('r') ? body : unescapePython(body);
}

/** The content range of a string node (without quotes), for editor positions. */
export function stringContentLoc(file: string, node: Node): Loc {
  const start = node.namedChildren.find((c) => c.type === 'string_start');
  const end = node.namedChildren.find((c) => c.type === 'string_end');
  if (!start || !end) return locOf(file, node);
  return {
    file,
    line: start.endPosition.row,
    character: start.endPosition.column,
    endLine: end.startPosition.row,
    endCharacter: end.startPosition.column,
  };
}

export interface CallArgs {
  args: Value[];
  argNodes: Node[];
  kwargs: Map<string, Value>;
  kwargNodes: Map<string, Node>;
}

/** Executes one module's top level into its ModuleEnv. */
export class Interpreter {
  /** Set while executing a `try:` body when an import in it failed. */
  private importFailed = false;
  private classStack: ClassInfo[] = [];
  private qualStack: string[] = [];

  constructor(
    readonly ctx: EvalContext,
    readonly env: ModuleEnv,
  ) {}

  get file(): string {
    return this.env.file ?? '';
  }

  loc(node: Node): Loc {
    return locOf(this.file, node);
  }

  problem(message: string, node?: Node): void {
    this.env.problems.push({ message, loc: node ? this.loc(node) : undefined });
  }

  run(tree: Tree): void {
    this.execBlock(tree.rootNode.namedChildren, false);
  }

  execBlock(stmts: Node[], cond: boolean): void {
    for (const s of stmts) {
      try {
        this.execStatement(s, cond);
      } catch (e) {
        this.problem(`could not evaluate statement: ${(e as Error).message}`, s);
      }
    }
  }

  private execStatement(node: Node, cond: boolean): void {
    switch (node.type) {
      case 'expression_statement': {
        for (const c of node.namedChildren) {
          if (c.type === 'assignment') this.execAssignment(c, cond);
          else if (c.type === 'augmented_assignment') this.execAugmented(c, cond);
          else this.evalExpr(c, cond);
        }
        return;
      }
      case 'import_statement': return this.execImport(node, cond);
      case 'import_from_statement': return this.execImportFrom(node, cond);
      case 'future_import_statement': return;
      case 'if_statement': return this.execIf(node, cond);
      case 'try_statement': return this.execTry(node, cond);
      case 'with_statement': {
        const body = node.childForFieldName('body');
        if (body) this.execBlock(body.namedChildren, cond);
        return;
      }
      case 'for_statement': return this.execFor(node, cond);
      case 'function_definition': return this.execDef(node, [], cond);
      case 'class_definition': return this.execClass(node, [], cond);
      case 'decorated_definition': return this.execDecorated(node, cond);
      case 'ERROR':
        this.problem('syntax error', node);
        this.recoverFromError(node, cond);
        return;
      default:
        return; // for/while/pass/return/global/etc.: no static meaning for us
    }
  }

  /**
   * Half-typed code: tree-sitter wraps what it could not parse in ERROR nodes. Complete statements
   * inside are executed as usual, and a bare `def name`/`class name` still defines the name.
   */
  private recoverFromError(node: Node, cond: boolean): void {
    const kids = node.children;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i];
      if (c.type === 'ERROR') this.recoverFromError(c, cond);
      else if (c.isNamed && (c.type.endsWith('statement') || c.type.endsWith('definition'))) this.execStatement(c, cond);
      else if ((c.type === 'def' || c.type === 'class') && kids[i + 1]) {
        // `def name(...)` with a missing colon parses as `def` + a call expression.
        const next = kids[i + 1];
        const nameNode = next.type === 'identifier' ? next : next.type === 'call' ? next.childForFieldName('function') : null;
        if (nameNode?.type !== 'identifier') continue;
        const def: DefV = {
          k: 'def', kind: c.type === 'def' ? 'function' : 'class', module: this.env.name,
          qualname: this.qualname(nameNode.text), loc: this.loc(nameNode), decorators: [],
          cls: c.type === 'class' ? { bases: [], methods: new Map(), attrs: new Map(), nested: new Map() } : undefined,
        };
        if (!this.classStack.length) this.bind(nameNode.text, def, nameNode, cond);
      }
    }
  }

  // ---- imports -------------------------------------------------------------------------------

  private moduleNameOf(node: Node): string | undefined {
    if (node.type === 'dotted_name') return node.text.replace(/\s+/g, '');
    if (node.type === 'relative_import') {
      const prefix = node.namedChildren.find((c) => c.type === 'import_prefix')?.text ?? '';
      const rest = node.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
      return resolveRelative(this.env.name, this.env.isPackage, prefix.length, rest);
    }
    return undefined;
  }

  /** Where a setting-like (UPPER_CASE) name was assigned; other names need no provenance. */
  private recordSetAt(name: string, node: Node): void {
    const c = name.charCodeAt(0);
    if (c >= 65 && c <= 90 && name === name.toUpperCase()) this.env.setAt.set(name, this.loc(node));
  }

  private bind(name: string, value: Value, node: Node, cond: boolean): void {
    if (cond && value.k === 'list' && !value.cond) {
      // `X = X + [...]` under a runtime condition: only the new items are conditional.
      const prev = this.env.scope.get(name);
      const known = new Set(prev?.k === 'list' ? prev.items : []);
      value = { ...value, items: value.items.map((i) => (known.has(i) ? i : withCond(i, true))) };
      this.env.scope.set(name, value);
      this.recordSetAt(name, node);
      return;
    }
    this.env.scope.set(name, withCond(value, cond));
    this.recordSetAt(name, node);
  }

  private execImport(node: Node, cond: boolean): void {
    for (const c of node.namedChildren) {
      if (c.type === 'dotted_name') {
        const full = c.text;
        this.checkImport(full);
        this.bind(full.split('.')[0], { k: 'module', name: full.split('.')[0] }, c, cond);
      } else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name')?.text;
        const alias = c.childForFieldName('alias')?.text;
        if (name && alias) {
          this.checkImport(name);
          this.bind(alias, { k: 'module', name }, c, cond);
        }
      }
    }
  }

  private checkImport(module: string): void {
    if (!this.ctx.moduleExists(module) && !isKnownName(module)) this.importFailed = true;
    else (this.env.imports ??= []).push(module);
  }

  private execImportFrom(node: Node, cond: boolean): void {
    const modNode = node.childForFieldName('module_name');
    if (!modNode) return;
    const module = this.moduleNameOf(modNode);
    if (!module) {
      this.problem('relative import beyond the top-level package', modNode);
      return;
    }
    if (node.namedChildren.some((c) => c.type === 'wildcard_import')) {
      const env = this.ctx.getModule(module);
      if (!env) {
        this.importFailed = true;
        if (!isKnownName(module)) this.problem(`cannot resolve module '${module}'`, modNode);
        return;
      }
      const all = env.scope.get('__all__');
      const names = all?.k === 'list'
        ? all.items.flatMap((i) => (i.k === 'str' ? [i.v] : []))
        : [...env.scope.keys()].filter((n) => !n.startsWith('_'));
      for (const n of names) {
        const v = env.scope.get(n);
        if (v) {
          this.env.scope.set(n, withCond(v, cond));
          const at = env.setAt.get(n);
          if (at) this.env.setAt.set(n, at);
        }
      }
      return;
    }
    // Unknown third-party modules are normal without a virtualenv: not worth a problem each.
    if (!this.ctx.moduleExists(module) && !isKnownName(module)) this.importFailed = true;
    else (this.env.imports ??= []).push(module);
    for (const c of node.namedChildren) {
      if (c.id === modNode.id) continue;
      let name: string | undefined;
      let alias: string | undefined;
      if (c.type === 'dotted_name') name = alias = c.text;
      else if (c.type === 'aliased_import') {
        name = c.childForFieldName('name')?.text;
        alias = c.childForFieldName('alias')?.text;
      }
      if (name && alias) {
        this.bind(alias, { k: 'lazy', module, name }, c, cond);
        if (this.ctx.moduleExists(`${module}.${name}`)) (this.env.imports ??= []).push(`${module}.${name}`);
      }
    }
  }

  // ---- statements ----------------------------------------------------------------------------

  private execIf(node: Node, cond: boolean): void {
    const clauses: { test: Node | null; body: Node | null }[] = [
      { test: node.childForFieldName('condition'), body: node.childForFieldName('consequence') },
    ];
    for (const c of node.namedChildren) {
      if (c.type === 'elif_clause') clauses.push({ test: c.childForFieldName('condition'), body: c.childForFieldName('consequence') });
      else if (c.type === 'else_clause') clauses.push({ test: null, body: c.childForFieldName('body') });
    }
    let uncertain = false;
    for (const clause of clauses) {
      let t: boolean | undefined = true;
      if (clause.test) t = truthy(this.force(this.evalExpr(clause.test, cond)));
      if (t === false) continue;
      if (clause.test && isConstantTest(clause.test) && !uncertain) {
        // `if True:` and the like: not a runtime condition.
        if (clause.body) this.execBlock(clause.body.namedChildren, cond);
        return;
      }
      // Known true or unknown: the values only exist under a runtime condition.
      if (clause.body) this.execBlock(clause.body.namedChildren, true);
      if (t === true) return;
      uncertain = true;
    }
  }

  private execTry(node: Node, cond: boolean): void {
    const saved = this.importFailed;
    this.importFailed = false;
    const body = node.childForFieldName('body');
    if (body) this.execBlock(body.namedChildren, cond);
    const failed = this.importFailed;
    this.importFailed = saved;
    for (const c of node.namedChildren) {
      if (c.type === 'except_clause' && failed) {
        const block = c.namedChildren.find((x) => x.type === 'block');
        if (block) this.execBlock(block.namedChildren, cond);
      } else if (c.type === 'else_clause' && !failed) {
        const block = c.childForFieldName('body');
        if (block) this.execBlock(block.namedChildren, cond);
      } else if (c.type === 'finally_clause') {
        const block = c.namedChildren.find((x) => x.type === 'block');
        if (block) this.execBlock(block.namedChildren, cond);
      }
    }
  }

  /** The items of a value we can loop over, or undefined (at most 1,000: no runaway loops). */
  private iterate(v: Value): Value[] | undefined {
    const f = this.force(v);
    if (f.k === 'list') return f.items.length <= 1000 ? f.items : undefined;
    if (f.k === 'dict') return f.entries.length <= 1000 ? f.entries.map(([k]) => k) : undefined;
    return undefined;
  }

  /** `for x in [...]:` over a list we know: the body once per item (e.g. registering models). */
  private execFor(node: Node, cond: boolean): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const body = node.childForFieldName('body');
    if (!left || !right || !body) return;
    const items = this.iterate(this.evalExpr(right, cond));
    if (!items) return;
    for (const item of items) {
      this.assign(left, item, cond);
      this.execBlock(body.namedChildren, cond || !!item.cond);
    }
  }

  /** `[expr for x in [...] if c]` over lists we know; the loop names do not leak. */
  private evalComprehension(node: Node, cond: boolean): Value {
    const body = node.namedChildren[0];
    const clauses = node.namedChildren.slice(1).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    if (!body || !clauses.length) return UNKNOWN;
    const out: Value[] = [];
    const saved = new Map(this.env.scope);
    let known = true;
    const step = (i: number, c: boolean) => {
      if (!known || out.length > 1000) return;
      if (i === clauses.length) {
        out.push(withCond(this.evalExpr(body, c), c));
        return;
      }
      const clause = clauses[i];
      if (clause.type === 'if_clause') {
        const test = clause.namedChildren[0];
        const t = test ? truthy(this.force(this.evalExpr(test, c))) : undefined;
        if (t !== false) step(i + 1, c || t === undefined);
        return;
      }
      const left = clause.childForFieldName('left');
      const right = clause.childForFieldName('right');
      const items = right ? this.iterate(this.evalExpr(right, c)) : undefined;
      if (!left || !items) {
        known = false;
        return;
      }
      for (const item of items) {
        this.assign(left, item, false);
        step(i + 1, c || !!item.cond);
      }
    };
    try {
      step(0, false);
    } finally {
      this.env.scope.clear();
      for (const [k, v] of saved) this.env.scope.set(k, v);
    }
    return known ? { k: 'list', items: out, loc: this.loc(node), cond: cond || undefined } : UNKNOWN;
  }

  /** An f-string whose interpolations we can evaluate (names, paths, numbers), else undefined. */
  private fString(node: Node, cond: boolean): string | undefined {
    if (node.type !== 'string') return undefined;
    const start = node.namedChildren.find((c) => c.type === 'string_start')?.text.toLowerCase() ?? '';
    if (!start.includes('f') || start.includes('b')) return undefined;
    const raw = start.includes('r');
    let out = '';
    for (const c of node.namedChildren) {
      if (c.type === 'string_content' || c.type === 'escape_sequence') {
        const t = c.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        out += raw ? t : unescapePython(t);
      } else if (c.type === 'interpolation') {
        const parts = c.namedChildren;
        if (parts.some((p) => p.type === 'format_specifier' || p.type === 'type_conversion')) return undefined;
        const v = parts[0] ? this.force(this.evalExpr(parts[0], cond)) : UNKNOWN;
        if (v.k !== 'str' && v.k !== 'num' && v.k !== 'path') return undefined;
        out += String(v.v);
      }
    }
    return out;
  }

  private qualname(name: string): string {
    return [...this.qualStack, name].join('.');
  }

  private execDef(node: Node, decorators: Value[], cond: boolean): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const name = nameNode.text;
    const span = { start: node.startPosition.row, end: node.endPosition.row };
    const def: DefV = {
      k: 'def', kind: 'function', module: this.env.name, qualname: this.qualname(name),
      loc: this.loc(nameNode), decorators, span,
    };
    const cls = this.classStack[this.classStack.length - 1];
    if (cls) {
      cls.methods.set(name, { name, loc: def.loc, decorators, span, returnText: singleReturn(node)?.text });
      return;
    }
    const ret = returnedExpr(node);
    // Trees are freed after evaluation: keep the text and where it is, parse it again when called.
    if (ret && ret.startPosition.column >= 2) def.returns = { text: ret.text, line: ret.startPosition.row, column: ret.startPosition.column };
    this.bind(name, def, nameNode, cond);
  }

  private execClass(node: Node, decorators: Value[], cond: boolean): void {
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return;
    const name = nameNode.text;
    const bases: Value[] = [];
    const supers = node.childForFieldName('superclasses');
    for (const b of supers?.namedChildren ?? []) {
      if (b.type === 'keyword_argument' || b.type === 'comment') continue;
      bases.push(this.evalExpr(b, cond));
    }
    const info: ClassInfo = { bases, methods: new Map(), attrs: new Map(), nested: new Map() };
    const def: DefV = {
      k: 'def', kind: 'class', module: this.env.name, qualname: this.qualname(name),
      loc: this.loc(nameNode), decorators, cls: info, span: { start: node.startPosition.row, end: node.endPosition.row },
    };
    const outer = this.classStack[this.classStack.length - 1];
    this.classStack.push(info);
    this.qualStack.push(name);
    try {
      const body = node.childForFieldName('body');
      for (const s of body?.namedChildren ?? []) {
        try {
          this.execClassStatement(s, info, cond);
        } catch (e) {
          this.problem(`could not evaluate class body statement: ${(e as Error).message}`, s);
        }
      }
    } finally {
      this.classStack.pop();
      this.qualStack.pop();
    }
    if (outer) outer.nested.set(name, def);
    else this.bind(name, def, nameNode, cond);
    for (const d of decorators) this.applyClassDecorator(d, def);
  }

  private execDecorated(node: Node, cond: boolean): void {
    const decorators = node.namedChildren
      .filter((c) => c.type === 'decorator')
      .map((d) => (d.namedChildren[0] ? this.evalExpr(d.namedChildren[0], cond) : UNKNOWN));
    const def = node.childForFieldName('definition');
    if (def?.type === 'function_definition') this.execDef(def, decorators, cond);
    else if (def?.type === 'class_definition') this.execClass(def, decorators, cond);
  }

  private execClassStatement(s: Node, info: ClassInfo, cond: boolean): void {
    if (s.type === 'expression_statement') {
      for (const c of s.namedChildren) {
        if (c.type !== 'assignment') continue;
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        if (left?.type === 'identifier' && right) {
          info.attrs.set(left.text, { value: this.evalClassExpr(right, info, cond), loc: this.loc(left) });
        }
      }
    } else if (s.type === 'function_definition') {
      this.execDef(s, [], cond);
    } else if (s.type === 'class_definition') {
      this.execClass(s, [], cond);
    } else if (s.type === 'decorated_definition') {
      this.execDecorated(s, cond);
    }
  }

  /** Class-body expressions see the class's earlier attributes first, then the module scope. */
  private evalClassExpr(node: Node, info: ClassInfo, cond: boolean): Value {
    if (node.type === 'identifier' && info.attrs.has(node.text)) return info.attrs.get(node.text)!.value;
    return this.evalExpr(node, cond);
  }

  private applyClassDecorator(d: Value, def: DefV): void {
    const v = this.force(d);
    if (v.k === 'call' && (v.name === 'django.contrib.admin.register' || v.name === 'django.contrib.admin.decorators.register')) {
      this.ctx.onAdminRegister(v.args, def, def.loc);
    }
  }

  private execAssignment(node: Node, cond: boolean): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left) return;
    if (!right) return; // annotation only
    const value = right.type === 'assignment' ? this.evalChained(right, cond) : this.evalExpr(right, cond);
    this.assign(left, value, cond);
  }

  private evalChained(node: Node, cond: boolean): Value {
    const right = node.childForFieldName('right');
    const left = node.childForFieldName('left');
    const value = right ? (right.type === 'assignment' ? this.evalChained(right, cond) : this.evalExpr(right, cond)) : UNKNOWN;
    if (left) this.assign(left, value, cond);
    return value;
  }

  private assign(target: Node, value: Value, cond: boolean): void {
    if (target.type === 'identifier') {
      this.bind(target.text, value, target, cond);
    } else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') {
      const v = this.force(value);
      const targets = target.namedChildren;
      targets.forEach((t, i) => this.assign(t, v.k === 'list' && v.items.length === targets.length ? v.items[i] : UNKNOWN, cond));
    } else if (target.type === 'attribute') {
      // `Page.__module__ = "wagtail.models"`: a class's dunder attribute set after its body.
      const attr = target.childForFieldName('attribute')?.text;
      const objNode = target.childForFieldName('object');
      if (attr?.startsWith('__') && attr.endsWith('__') && objNode) {
        const obj = this.force(this.evalExpr(objNode, cond));
        if (obj.k === 'def' && obj.kind === 'class' && obj.cls && !cond) obj.cls.attrs.set(attr, { value, loc: this.loc(target) });
      }
    } else if (target.type === 'subscript') {
      const container = this.force(this.evalExpr(target.childForFieldName('value')!, cond));
      const keyNode = target.childForFieldName('subscript');
      const key = keyNode ? this.force(this.evalExpr(keyNode, cond)) : UNKNOWN;
      if (container.k === 'dict') {
        container.entries.push([key, withCond(value, cond)]);
      } else if (container.k === 'list' && key.k === 'num') {
        const i = key.v < 0 ? container.items.length + key.v : key.v;
        if (i >= 0 && i < container.items.length) container.items[i] = withCond(value, cond);
      }
    }
  }

  private execAugmented(node: Node, cond: boolean): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text;
    if (!left || !right) return;
    const cur = this.force(this.evalExpr(left, cond));
    const add = this.force(this.evalExpr(right, cond));
    if (op === '+=' && cur.k === 'list') {
      const items = listItems(add, cond || !!add.cond);
      if (items) {
        // Python's list += mutates in place; a tuple += builds a new tuple.
        if (cur.tuple) this.assign(left, { ...cur, items: [...cur.items, ...items] }, false);
        else cur.items.push(...items);
        return;
      }
      // Items we cannot know (a comprehension, a function's result): keep what we know.
      this.problem('entries added here cannot be read statically', right);
      return;
    }
    this.assign(left, binaryOp(op?.slice(0, -1) ?? '', cur, add), cond);
  }

  // ---- expressions ---------------------------------------------------------------------------

  /** Resolves lazy imports; everything else is returned as is. */
  force(v: Value): Value {
    if (v.k !== 'lazy') return v;
    const fq = `${v.module}.${v.name}`;
    const forced = this.resolveFrom(v.module, v.name);
    return withCond(forced ?? { k: 'unknown', fq }, v.cond);
  }

  /** `from module import name` as Python resolves it (module attribute, else submodule). */
  resolveFrom(module: string, name: string): Value | undefined {
    const fq = `${module}.${name}`;
    if (isKnownName(fq)) return { k: 'builtin', name: fq };
    // A submodule (`from . import views`) without running the package's __init__ first; a
    // package attribute shadowing a submodule's name is rare enough to ignore.
    if (!this.ctx.isEvaluated?.(module) && this.ctx.moduleExists(fq)) return { k: 'module', name: fq };
    const env = this.ctx.getModule(module);
    if (env) {
      const v = env.scope.get(name);
      if (v) {
        if (v.k === 'lazy') {
          if (v.module === module && v.name === name) return undefined;
          return new Interpreter(this.ctx, env).force(v);
        }
        return v;
      }
    }
    if (this.ctx.moduleExists(fq)) return { k: 'module', name: fq };
    return undefined;
  }

  getAttr(obj: Value, name: string): Value {
    // `SomeView.as_view()` on a name not looked at yet stays lazy: the URLconf does not need the
    // views module until someone asks where the view is.
    if (obj.k === 'lazy' && name === 'as_view') return { k: 'builtin', name: 'View.as_view', self: obj };
    const v = this.force(obj);
    switch (v.k) {
      case 'module': {
        const fq = `${v.name}.${name}`;
        // An attribute of a module not evaluated yet (`views.index`) is read when forced.
        if (!isKnownName(fq) && this.ctx.isEvaluated && !this.ctx.isEvaluated(v.name) && this.ctx.moduleExists(v.name)) {
          return { k: 'lazy', module: v.name, name };
        }
        return this.resolveFrom(v.name, name) ?? { k: 'unknown', fq };
      }
      case 'builtin': {
        return getBuiltinAttr(this, v, name) ?? { k: 'unknown', fq: `${v.name}.${name}` };
      }
      case 'path':
        if (name === 'parent') return { k: 'path', v: path.dirname(v.v) };
        if (name === 'name') return str(path.basename(v.v));
        if (name === 'stem') return str(path.basename(v.v, path.extname(v.v)));
        return { k: 'builtin', name: `pathlib.Path.${name}`, self: v };
      case 'str':
        return { k: 'builtin', name: `str.${name}`, self: v };
      case 'list':
        return { k: 'builtin', name: `list.${name}`, self: v };
      case 'dict':
        return { k: 'builtin', name: `dict.${name}`, self: v };
      case 'router':
        if (name === 'urls') return { k: 'routerUrls', router: v, loc: v.loc, cond: v.cond };
        return { k: 'builtin', name: `router.${name}`, self: v };
      case 'def': {
        if (v.kind === 'class' && v.cls) {
          if (name === 'as_view') return { k: 'builtin', name: 'View.as_view', self: v };
          const own = this.classAttr(v, name);
          // Literals and definitions read through; anything computed (a manager, a queryset)
          // stays tied to the class it came from (`Post.objects.all()` → Post).
          if (own && ['str', 'num', 'bool', 'none', 'list', 'dict', 'def'].includes(this.force(own).k)) return own;
        }
        return { k: 'unknown', origin: v };
      }
      case 'unknown':
        if (name === 'as_view') return { k: 'builtin', name: 'View.as_view', self: v };
        return { k: 'unknown', origin: v.origin, fq: v.fq ? `${v.fq}.${name}` : undefined };
      default:
        return UNKNOWN;
    }
  }

  /** A class attribute or nested class, looked up through the bases. */
  classAttr(def: DefV, name: string, seen = new Set<DefV>()): Value | undefined {
    if (!def.cls || seen.has(def)) return undefined;
    seen.add(def);
    const attr = def.cls.attrs.get(name);
    if (attr) return attr.value;
    const nested = def.cls.nested.get(name);
    if (nested) return nested;
    for (const b of def.cls.bases) {
      const base = this.force(b);
      if (base.k === 'def') {
        const found = this.classAttr(base, name, seen);
        if (found) return found;
      }
    }
    return undefined;
  }

  evalArgs(argList: Node | null, cond: boolean): CallArgs {
    const out: CallArgs = { args: [], argNodes: [], kwargs: new Map(), kwargNodes: new Map() };
    for (const a of argList?.namedChildren ?? []) {
      if (a.type === 'keyword_argument') {
        const n = a.childForFieldName('name')?.text;
        const valNode = a.childForFieldName('value');
        if (n && valNode) {
          out.kwargs.set(n, this.evalExpr(valNode, cond));
          out.kwargNodes.set(n, valNode);
        }
      } else if (a.type === 'list_splat') {
        const inner = a.namedChildren[0] ? this.force(this.evalExpr(a.namedChildren[0], cond)) : UNKNOWN;
        if (inner.k === 'list') for (const item of inner.items) {
          out.args.push(item);
          out.argNodes.push(a);
        }
      } else if (a.type === 'dictionary_splat') {
        const inner = a.namedChildren[0] ? this.force(this.evalExpr(a.namedChildren[0], cond)) : UNKNOWN;
        if (inner.k === 'dict') for (const [kk, vv] of inner.entries) if (kk.k === 'str') out.kwargs.set(kk.v, vv);
      } else if (a.type !== 'comment') {
        out.args.push(this.evalExpr(a, cond));
        out.argNodes.push(a);
      }
    }
    return out;
  }

  evalExpr(node: Node, cond = false): Value {
    switch (node.type) {
      case 'string':
      case 'concatenated_string': {
        const s = stringLiteral(node) ?? this.fString(node, cond);
        return s === undefined ? UNKNOWN : str(s, node.type === 'string' ? stringContentLoc(this.file, node) : this.loc(node));
      }
      case 'list_comprehension': return this.evalComprehension(node, cond);
      case 'integer': {
        const n = Number(node.text.replace(/_/g, '').replace(/[lLjJ]$/, ''));
        return Number.isFinite(n) ? { k: 'num', v: n } : UNKNOWN;
      }
      case 'float': {
        const n = Number(node.text.replace(/_/g, ''));
        return Number.isFinite(n) ? { k: 'num', v: n } : UNKNOWN;
      }
      case 'true': return { k: 'bool', v: true };
      case 'false': return { k: 'bool', v: false };
      case 'none': return NONE;
      case 'identifier': return this.lookup(node.text);
      case 'attribute': {
        const obj = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute');
        if (!obj || !attr) return UNKNOWN;
        return this.getAttr(this.evalExpr(obj, cond), attr.text);
      }
      case 'list':
      case 'tuple':
      case 'set': {
        const items: Value[] = [];
        for (const c of node.namedChildren) {
          if (c.type === 'comment') continue;
          if (c.type === 'list_splat') {
            const inner = c.namedChildren[0] ? this.force(this.evalExpr(c.namedChildren[0], cond)) : UNKNOWN;
            const spread = listItems(inner, false);
            if (spread) items.push(...spread);
            else items.push(UNKNOWN);
            continue;
          }
          items.push(this.evalExpr(c, cond));
        }
        return { k: 'list', items, tuple: node.type === 'tuple', loc: this.loc(node) };
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c.type !== 'comment');
        return inner ? this.evalExpr(inner, cond) : UNKNOWN;
      }
      case 'dictionary': {
        const entries: [Value, Value][] = [];
        for (const c of node.namedChildren) {
          if (c.type === 'pair') {
            const k = c.childForFieldName('key');
            const v = c.childForFieldName('value');
            if (k && v) entries.push([this.force(this.evalExpr(k, cond)), this.evalExpr(v, cond)]);
          } else if (c.type === 'dictionary_splat') {
            const inner = c.namedChildren[0] ? this.force(this.evalExpr(c.namedChildren[0], cond)) : UNKNOWN;
            if (inner.k === 'dict') entries.push(...inner.entries);
          }
        }
        return { k: 'dict', entries } satisfies DictV;
      }
      case 'binary_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text ?? '';
        if (!l || !r) return UNKNOWN;
        return binaryOp(op, this.force(this.evalExpr(l, cond)), this.force(this.evalExpr(r, cond)));
      }
      case 'not_operator': {
        const arg = node.childForFieldName('argument');
        const t = arg ? truthy(this.force(this.evalExpr(arg, cond))) : undefined;
        return t === undefined ? UNKNOWN : { k: 'bool', v: !t };
      }
      case 'boolean_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text;
        if (!l || !r) return UNKNOWN;
        const lv = this.force(this.evalExpr(l, cond));
        const lt = truthy(lv);
        if (op === 'or') {
          if (lt === true) return lv;
          if (lt === false) return this.evalExpr(r, cond);
          // `os.environ.get("X") or "default"`: unknown left, take the fallback.
          return lv.k === 'unknown' || lv.k === 'none' ? this.evalExpr(r, cond) : UNKNOWN;
        }
        if (lt === false) return lv;
        if (lt === true) return this.evalExpr(r, cond);
        return UNKNOWN;
      }
      case 'comparison_operator': return this.evalComparison(node, cond);
      case 'conditional_expression': {
        const [a, test, b] = node.namedChildren;
        if (!a || !test || !b) return UNKNOWN;
        const t = truthy(this.force(this.evalExpr(test, cond)));
        if (t === true) return this.evalExpr(a, cond);
        if (t === false) return this.evalExpr(b, cond);
        return withCond(this.evalExpr(a, cond), true);
      }
      case 'subscript': {
        const v = this.force(this.evalExpr(node.childForFieldName('value')!, cond));
        const keyNode = node.childForFieldName('subscript');
        if (!keyNode) return UNKNOWN;
        const key = this.force(this.evalExpr(keyNode, cond));
        if (v.k === 'list' && key.k === 'num') {
          const i = key.v < 0 ? v.items.length + key.v : key.v;
          return v.items[i] ?? UNKNOWN;
        }
        if (v.k === 'dict') {
          for (let i = v.entries.length - 1; i >= 0; i--) if (equals(v.entries[i][0], key)) return v.entries[i][1];
        }
        return UNKNOWN;
      }
      case 'call': return this.evalCall(node, cond);
      case 'keyword_argument': return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  lookup(name: string): Value {
    const v = this.env.scope.get(name);
    if (v) return v;
    if (name === '__file__' && this.env.file) return { k: 'path', v: this.env.file };
    if (name === '__name__') return str(this.env.name);
    return isKnownName(name) ? { k: 'builtin', name } : UNKNOWN;
  }

  private evalComparison(node: Node, cond: boolean): Value {
    const operands = node.namedChildren;
    const ops = node.children.filter((c) => !c.isNamed).map((c) => c.text);
    if (operands.length !== 2 || ops.length < 1) return UNKNOWN;
    const a = this.force(this.evalExpr(operands[0], cond));
    const b = this.force(this.evalExpr(operands[1], cond));
    const op = ops.join(' ');
    if (op === '==' || op === '!=' || op === 'is' || op === 'is not') {
      const eq = equals(a, b);
      if (eq === undefined) return UNKNOWN;
      return { k: 'bool', v: op === '==' || op === 'is' ? eq : !eq };
    }
    if (op === 'in' || op === 'not in') {
      let found: boolean | undefined;
      if (b.k === 'list') {
        if (b.items.some((i) => i.cond || i.k === 'unknown')) found = b.items.some((i) => equals(i, a) === true) || undefined;
        else found = b.items.some((i) => equals(i, a) === true);
      } else if (b.k === 'str' && a.k === 'str') found = b.v.includes(a.v);
      else if (b.k === 'dict') found = b.entries.some(([kk]) => equals(kk, a) === true) || undefined;
      if (found === undefined) return UNKNOWN;
      return { k: 'bool', v: op === 'in' ? found : !found };
    }
    return UNKNOWN;
  }

  private evalCall(node: Node, cond: boolean): Value {
    const fnNode = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    if (!fnNode) return UNKNOWN;
    const callee = this.force(this.evalExpr(fnNode, cond));
    const args = argsNode?.type === 'argument_list' ? this.evalArgs(argsNode, cond) : { args: [], argNodes: [], kwargs: new Map(), kwargNodes: new Map() };
    return this.call(callee, args, node, cond);
  }

  call(callee: Value, a: CallArgs, node: Node, cond: boolean): Value {
    if (callee.k === 'builtin') {
      const r = callBuiltin(this, callee, a, node, cond);
      if (r) return r;
      return { k: 'call', name: callee.name, args: a.args, kwargs: a.kwargs };
    }
    // A project's own copy of distutils' strtobool (its body has branches we do not run).
    if (callee.k === 'def' && callee.kind === 'function' && callee.qualname === 'strtobool' && a.args.length === 1) {
      const r = strtobool(this.force(a.args[0]));
      if (r.k !== 'unknown') return r;
    }
    // A model field is handed functions too (`on_delete=models.CASCADE`, `default=timezone.now`):
    // it is an instance of its class, not a wrapped view.
    if (callee.k === 'def' && callee.kind === 'class' && this.ctx.isFieldClass?.(callee)) {
      return { k: 'unknown', origin: callee, instance: true, args: a.args, kwargs: a.kwargs };
    }
    // Any other call that is handed a view returns it: decorators used as functions
    // (`login_required(v)`, `cache_page(60)(v)`, `csrf_exempt(v)`, project decorators).
    for (const arg of a.args) {
      const f = this.force(arg);
      if (isViewLike(f)) return { k: 'view', target: f, cond: f.cond, wrapper: callee };
    }
    // A module-level function without parameters whose body is `return <expr>` (or that inside a
    // `try:`), such as `def UserModelString(): return settings.AUTH_USER_MODEL`: its value.
    if (callee.k === 'def' && callee.kind === 'function' && callee.returns && !a.args.length && !a.kwargs.size && callDepth < 8) {
      const env = this.ctx.getModule(callee.module);
      if (env) {
        const r = callee.returns;
        // Padded so that the expression has its own line and column in the file.
        const tree = parsePython('\n'.repeat(r.line) + '_=' + ' '.repeat(r.column - 2) + r.text);
        callDepth++;
        try {
          const assignment = tree.rootNode.namedChildren[0]?.namedChildren[0];
          const right = assignment?.type === 'assignment' ? assignment.childForFieldName('right') : null;
          if (right) return new Interpreter(this.ctx, env).evalExpr(right, cond);
        } finally {
          callDepth--;
          tree.delete();
        }
      }
    }
    if (callee.k === 'def' && callee.kind === 'class') {
      // A project subclass of a DRF router is a router too.
      const router = this.ctx.routerKind?.(callee);
      if (router) return callBuiltin(this, { k: 'builtin', name: router }, a, node, cond) ?? { k: 'unknown', origin: callee, instance: true };
      return { k: 'unknown', origin: callee, instance: true, args: a.args, kwargs: a.kwargs };
    }
    if (callee.k === 'unknown' && callee.origin) return { k: 'unknown', origin: callee.origin };
    if (callee.k === 'unknown' && callee.fq) return { k: 'call', name: callee.fq, args: a.args, kwargs: a.kwargs };
    return UNKNOWN;
  }
}

let callDepth = 0;

/**
 * The expression a function returns when it takes no parameters and its body (after a docstring)
 * is `return <expr>`, or a `try:` whose body is that (the `except` branch is the fallback).
 */
function returnedExpr(fn: Node): Node | undefined {
  const params = fn.childForFieldName('parameters');
  if (params && params.namedChildren.some((c) => c.type !== 'comment')) return undefined;
  return singleReturn(fn);
}

/** The expression of a body that is one `return` statement (after a docstring, maybe inside a `try`). */
function singleReturn(fn: Node): Node | undefined {
  if (fn.childForFieldName('body')?.namedChildren == null) return undefined;
  let stmts = fn.childForFieldName('body')!.namedChildren.filter((c) => c.type !== 'comment');
  if (stmts[0]?.type === 'expression_statement' && stmts[0].namedChildren[0]?.type === 'string') stmts = stmts.slice(1);
  if (stmts.length === 1 && stmts[0].type === 'try_statement') {
    stmts = (stmts[0].childForFieldName('body')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
  }
  if (stmts.length !== 1 || stmts[0].type !== 'return_statement') return undefined;
  return stmts[0].namedChildren[0] ?? undefined;
}

/** A value that can stand for a view callable. */
export function isViewLike(v: Value): boolean {
  return (v.k === 'def' && v.kind === 'function') || v.k === 'view';
}

function isConstantTest(node: Node): boolean {
  return node.type === 'true' || node.type === 'false' || node.type === 'integer';
}

/** The items a value contributes to `list + x` / `list += x`, or undefined when unknown. */
export function listItems(v: Value, cond: boolean): Value[] | undefined {
  if (v.k === 'list') return v.items.map((i) => withCond(i, cond || v.cond));
  if (v.k === 'routerUrls' || v.k === 'adminUrls') return [withCond(v, cond)];
  return undefined;
}

export function binaryOp(op: string, a: Value, b: Value): Value {
  const cond = a.cond || b.cond;
  if (op === '+') {
    if (a.k === 'str' && b.k === 'str') return withCond(str(a.v + b.v), cond);
    if (a.k === 'num' && b.k === 'num') return { k: 'num', v: a.v + b.v };
    if (a.k === 'list') {
      const items = listItems(b, !!b.cond);
      if (items) return { k: 'list', items: [...a.items, ...items], tuple: a.tuple, loc: a.loc, cond: a.cond } satisfies ListV;
    }
    if (a.k === 'routerUrls' || a.k === 'adminUrls') {
      const items = listItems(b, !!b.cond);
      if (items) return { k: 'list', items: [a, ...items] };
    }
    return UNKNOWN;
  }
  if (op === '/' && a.k === 'path' && (b.k === 'str' || b.k === 'path')) {
    return { k: 'path', v: path.isAbsolute(b.v) ? b.v : path.join(a.v, b.v) };
  }
  if (op === '%' && a.k === 'str') {
    const vals = b.k === 'list' ? b.items : [b];
    let i = 0;
    let ok = true;
    const out = a.v.replace(/%[sdr%]/g, (m) => {
      if (m === '%%') return '%';
      const v = vals[i++];
      if (!v || (v.k !== 'str' && v.k !== 'num')) {
        ok = false;
        return '';
      }
      return String(v.v);
    });
    return ok ? withCond(str(out), cond) : UNKNOWN;
  }
  if (a.k === 'num' && b.k === 'num') {
    switch (op) {
      case '-': return { k: 'num', v: a.v - b.v };
      case '*': return { k: 'num', v: a.v * b.v };
    }
  }
  if (op === '*' && a.k === 'list' && b.k === 'num') {
    return { k: 'list', items: Array.from({ length: Math.max(0, b.v) }, () => a.items).flat(), tuple: a.tuple };
  }
  if (op === '|' && a.k === 'dict' && b.k === 'dict') return { k: 'dict', entries: [...a.entries, ...b.entries] };
  return UNKNOWN;
}

export type { StrV };
