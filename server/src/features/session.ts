/**
 * What the editor features read: one `ProjectSession` per Django project (the project's index plus
 * its URL-name uses and name lookup), and a `Doc` for the file the request is about (its text and,
 * for Python, its tree). Features never mutate these; the server owns updates.
 */
import type { DjangoProject } from '../core/project';
import type { Tree } from '../core/python/parser';
import { UsageIndex } from '../core/urls/usageIndex';
import { UrlNameIndex } from '../core/urls/names';
import type { UrlTree } from '../core/urls/tree';

export class ProjectSession {
  readonly usages: UsageIndex;
  private namesFor: UrlTree | undefined;
  private namesCache: UrlNameIndex | undefined;

  constructor(readonly project: DjangoProject) {
    this.usages = new UsageIndex(project);
  }

  get names(): UrlNameIndex {
    const tree = this.project.urlTree();
    if (this.namesFor !== tree || !this.namesCache) {
      this.namesCache = new UrlNameIndex(tree, this.namesCache);
      this.namesFor = tree;
    }
    return this.namesCache;
  }
}

export interface Doc {
  file: string;
  text: string;
  kind: 'python' | 'template';
  /** The parse tree of a Python document (kept by the server, re-parsed incrementally). */
  tree?: Tree;
}
