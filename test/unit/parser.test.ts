/** Incremental re-parsing gives the same tree as parsing from scratch, edit after edit. */
import { test, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { initPython, parsePython, PythonDocument } from '../../server/src/core/python/parser';
import { FIXTURES } from '../helpers';

beforeAll(() => initPython());

test('PythonDocument.update re-parses incrementally to the same tree', () => {
  let text = fs.readFileSync(path.join(FIXTURES, 'demo', 'blog', 'urls.py'), 'utf8');
  const doc = new PythonDocument(text);
  const edits: [string, string][] = [
    ['name="publish"', 'name="publish-post"'],
    ['urlpatterns = [', 'urlpatterns = [\n    path("x/", views.index, name="x"),'],
    ['from . import views', 'from . import views  # é ünïcode 😀'],
    ['path("shop/", views.go_shopping, name="go-shopping"),', 'path("shop/", views.go_shop'], // half-typed
    ['path("shop/", views.go_shop', 'path("shop/", views.go_shopping, name="go-shopping"),'],
  ];
  for (const [from, to] of edits) {
    text = text.replace(from, to);
    doc.update(text);
    const fresh = parsePython(text);
    expect(doc.tree.rootNode.toString()).toBe(fresh.rootNode.toString());
    fresh.delete();
  }
  doc.dispose();
});
