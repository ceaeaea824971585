/**
 * Signal receivers written in Python: `@receiver(post_save, sender=Post)` (or a list of signals)
 * on a function, and `post_save.connect(handler, sender=Post)`. Read syntactically by the
 * background scanner (names as written: the signal, the receiver, the sender).
 */
import type { Node, Tree } from './python/parser';
import { locOf } from './python/evaluator';
import type { Loc } from './python/values';

export interface SignalReceiver {
  /** The signal as written (`post_save`, `signals.pre_delete`, `user_logged_in`). */
  signal: string;
  /** The receiving function's name. */
  receiver: string;
  /** The sender as written, when given. */
  sender?: string;
  loc: Loc;
}

export function mayHaveReceivers(text: string): boolean {
  return text.includes('receiver') || text.includes('.connect(');
}

function kw(call: Node, name: string): string | undefined {
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value')?.text;
  }
  return undefined;
}

export function signalReceivers(tree: Tree, file: string): SignalReceiver[] {
  const out: SignalReceiver[] = [];
  for (const d of tree.rootNode.descendantsOfType('decorated_definition')) {
    const fn = d?.childForFieldName('definition');
    const name = fn?.childForFieldName('name');
    if (!d || fn?.type !== 'function_definition' || !name) continue;
    for (const dec of d.namedChildren) {
      const call = dec?.type === 'decorator' ? dec.namedChildren[0] : undefined;
      if (call?.type !== 'call') continue;
      const f = call.childForFieldName('function');
      if (f?.text !== 'receiver' && !f?.text.endsWith('.receiver')) continue;
      const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'keyword_argument' && c.type !== 'comment');
      const signals = first?.type === 'list' || first?.type === 'tuple' ? first.namedChildren.map((c) => c!.text) : first ? [first.text] : [];
      for (const signal of signals) out.push({ signal, receiver: name.text, sender: kw(call, 'sender'), loc: locOf(file, name) });
    }
  }
  for (const call of tree.rootNode.descendantsOfType('call')) {
    const f = call?.childForFieldName('function');
    if (!call || f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'connect') continue;
    const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'keyword_argument' && c.type !== 'comment');
    const signal = f.childForFieldName('object')?.text;
    if (!first || !signal || !/^[\w.]+$/.test(first.text)) continue;
    out.push({ signal, receiver: first.text, sender: kw(call, 'sender'), loc: locOf(file, call) });
  }
  return out;
}
