/**
 * URL names as `reverse()` looks them up: `name`, `ns:name`, `outer:inner:name`, where each
 * namespace may be given as the instance namespace or the application namespace (`app_name`).
 *
 * Built from scratch for the first tree; for a later tree of the same project it is updated from
 * the previous index by the tree's segments that changed (an edited include), which keeps an
 * edit's cost proportional to the include, not to the project.
 */
import type { UrlLeaf, UrlTree } from './tree';

/** Lookup keys per leaf; a reused leaf keeps its (already hashed) keys. */
const leafKeys = new WeakMap<UrlLeaf, string[]>();

type Slot = UrlLeaf | UrlLeaf[];

interface State {
  byKey: Map<string, Slot>;
  /** The segments indexed, with the segment each of their leaves is in. */
  segments: Set<UrlLeaf[]>;
  segmentOf: WeakMap<UrlLeaf, UrlLeaf[]>;
}

export class UrlNameIndex {
  private readonly state: State;
  private namesCache: string[] | undefined;

  /**
   * `prev`: the index of an earlier tree of the same project. Its state is taken over (and `prev`
   * must not be used afterwards).
   */
  constructor(private readonly tree: UrlTree, prev?: UrlNameIndex) {
    if (prev && !prev.moved) {
      prev.moved = true;
      this.state = prev.state;
      if (this.update()) return;
    }
    this.state = { byKey: new Map(), segments: new Set(), segmentOf: new WeakMap() };
    for (const seg of tree.segments) this.addSegment(seg, undefined);
  }

  private moved = false;

  /** Full instance names, in resolution order, once each. */
  get names(): string[] {
    if (!this.namesCache) {
      const seen = new Set<string>();
      this.namesCache = [];
      for (const leaf of this.tree.leaves) {
        if (leaf.pattern.name !== null && leaf.name && !seen.has(leaf.name)) {
          seen.add(leaf.name);
          this.namesCache.push(leaf.name);
        }
      }
    }
    return this.namesCache;
  }

  lookup(name: string): UrlLeaf[] {
    const v = this.state.byKey.get(name);
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  has(name: string): boolean {
    return this.state.byKey.has(name);
  }

  /** Patches the taken-over state to this tree; false when a rebuild is as cheap. */
  private update(): boolean {
    const st = this.state;
    const next = new Set(this.tree.segments);
    const removed = [...st.segments].filter((s) => !next.has(s));
    const added = this.tree.segments.filter((s) => !st.segments.has(s));
    let work = 0;
    for (const s of removed) work += s.length;
    for (const s of added) work += s.length;
    if (work > this.tree.leaves.length / 2) return false;
    for (const seg of removed) {
      st.segments.delete(seg);
      for (const leaf of seg) {
        if (leaf.pattern.name === null) continue;
        for (const key of keysOf(leaf)) {
          const slot = st.byKey.get(key);
          if (slot === leaf) st.byKey.delete(key);
          else if (Array.isArray(slot)) {
            const rest = slot.filter((l) => l !== leaf);
            if (rest.length === 0) st.byKey.delete(key);
            else st.byKey.set(key, rest.length === 1 ? rest[0] : rest);
          }
        }
      }
    }
    if (added.length) {
      const order = new Map<UrlLeaf[], number>();
      this.tree.segments.forEach((s, i) => order.set(s, i));
      for (const seg of added) this.addSegment(seg, order);
    }
    return true;
  }

  /** Indexes a segment's leaves; with `order`, keeps each key's leaves in tree order. */
  private addSegment(seg: UrlLeaf[], order: Map<UrlLeaf[], number> | undefined): void {
    const st = this.state;
    st.segments.add(seg);
    for (const leaf of seg) {
      st.segmentOf.set(leaf, seg);
      if (leaf.pattern.name === null) continue;
      for (const key of keysOf(leaf)) {
        const slot = st.byKey.get(key);
        if (slot === undefined) st.byKey.set(key, leaf);
        else if (Array.isArray(slot)) {
          if (!slot.includes(leaf)) slot.push(leaf);
          if (order) this.sort(slot, order);
        } else if (slot !== leaf) {
          const list = [slot, leaf];
          if (order) this.sort(list, order);
          st.byKey.set(key, list);
        }
      }
    }
  }

  private sort(list: UrlLeaf[], order: Map<UrlLeaf[], number>): void {
    const pos = (l: UrlLeaf): [number, number] => {
      const seg = this.state.segmentOf.get(l)!;
      return [order.get(seg) ?? -1, seg.indexOf(l)];
    };
    list.sort((a, b) => {
      const [sa, ia] = pos(a);
      const [sb, ib] = pos(b);
      return sa - sb || ia - ib;
    });
  }
}

function keysOf(leaf: UrlLeaf): string[] {
  let keys = leafKeys.get(leaf);
  if (keys) return keys;
  let prefixes = [''];
  leaf.namespaces.forEach((ns, i) => {
    const app = leaf.appNames[i];
    const options = app && app !== ns ? [ns, app] : [ns];
    prefixes = prefixes.flatMap((p) => options.map((o) => p + o + ':'));
  });
  keys = prefixes.map((p) => p + leaf.pattern.name);
  leafKeys.set(leaf, keys);
  return keys;
}
