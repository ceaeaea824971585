/**
 * URL names as `reverse()` looks them up: `name`, `ns:name`, `outer:inner:name`, where each
 * namespace may be given as the instance namespace or the application namespace (`app_name`).
 */
import type { UrlLeaf, UrlTree } from './tree';

export class UrlNameIndex {
  private readonly byKey = new Map<string, UrlLeaf[]>();
  /** Full instance names, in resolution order, once each. */
  readonly names: string[] = [];

  constructor(tree: UrlTree) {
    const seen = new Set<string>();
    for (const leaf of tree.leaves) {
      if (leaf.pattern.name === null) continue;
      for (const key of keysOf(leaf)) {
        let list = this.byKey.get(key);
        if (!list) this.byKey.set(key, (list = []));
        list.push(leaf);
      }
      if (leaf.name && !seen.has(leaf.name)) {
        seen.add(leaf.name);
        this.names.push(leaf.name);
      }
    }
  }

  lookup(name: string): UrlLeaf[] {
    return this.byKey.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.byKey.has(name);
  }
}

function keysOf(leaf: UrlLeaf): string[] {
  let prefixes = [''];
  leaf.namespaces.forEach((ns, i) => {
    const app = leaf.appNames[i];
    const options = app && app !== ns ? [ns, app] : [ns];
    prefixes = prefixes.flatMap((p) => options.map((o) => p + o + ':'));
  });
  return prefixes.map((p) => p + leaf.pattern.name);
}
