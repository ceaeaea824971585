/**
 * A plan's edit as the editor applies it (`textChanges`): the smallest line-wise changes, all
 * against the text before, that give the text after; lines the scaffold does not touch are not
 * part of any change (an open editor keeps its cursors and folds there). And the list edits of
 * pyedit on the shapes real settings and URLconfs have.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { textChanges, type TextChange } from '../../server/src/core/scaffold/edits';
import { appendToList, codeStyle, insertIntoList } from '../../server/src/core/scaffold/pyedit';
import { initPython } from '../../server/src/core/python/parser';

const apply = (before: string, changes: TextChange[]) =>
  [...changes].reverse().reduce((t, c) => t.slice(0, c.start) + c.text + t.slice(c.end), before);

test('an import and an appended class: two changes, nothing else touched', () => {
  const before = 'from django.views.generic import DetailView\n\nfrom .models import Post\n\n\nclass A(DetailView):\n    model = Post\n';
  const after = 'from django.views.generic import DetailView, ListView\n\nfrom .models import Post, Tag\n\n\nclass A(DetailView):\n    model = Post\n\n\nclass B(ListView):\n    model = Tag\n';
  const changes = textChanges(before, after);
  expect(apply(before, changes)).toBe(after);
  expect(changes.map((c) => before.slice(c.start, c.end))).toEqual([
    'from django.views.generic import DetailView\n', 'from .models import Post\n', '',
  ]);
  expect(changes[2]).toEqual({ start: before.length, end: before.length, text: '\n\nclass B(ListView):\n    model = Tag\n' });
});

test('no final newline, an empty file, identical texts, a line removed', () => {
  for (const [before, after] of [
    ['X = [\n    "a"\n]', 'X = [\n    "a",\n    "b",\n]'],
    ['', 'from django.db import models\n'],
    ['same\n', 'same\n'],
    ['a\nb\nc\n', 'a\nc\n'],
    ['a\r\nb\r\n', 'a\r\nb\r\nc\r\n'],
  ]) {
    const changes = textChanges(before, after);
    expect(apply(before, changes)).toBe(after);
    for (let i = 1; i < changes.length; i++) expect(changes[i].start).toBeGreaterThan(changes[i - 1].end);
  }
  expect(textChanges('same\n', 'same\n')).toEqual([]);
});

describe('appending to a list: the cases real settings and URLconfs have', () => {
  beforeAll(() => initPython());

  test('a comma inside the last item\'s comment is not a trailing comma', () => {
    expect(appendToList("A = [\n  'x'  # one, for now\n]\n", 'A', "'z'")).toBe("A = [\n  'x',  # one, for now\n  'z',\n]\n");
  });
  test('the `]` on the last item\'s line stays after the new one', () => {
    expect(appendToList('A = [\n    "x",\n    "y"]\n', 'A', '"z"')).toBe('A = [\n    "x",\n    "y",\n    "z"]\n');
  });
  test('commented-out entries after the last item stay where they are', () => {
    expect(appendToList('A = [\n    "x",  # c\n    # "old",\n]\n', 'A', '"z"')).toBe('A = [\n    "x",  # c\n    "z",\n    # "old",\n]\n');
  });
  test('`urlpatterns = [...] + static(...)`: the new pattern goes in the list, before the extras', () => {
    const text = 'urlpatterns = [\n    path("a/", v),\n] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)\n';
    expect(appendToList(text, 'urlpatterns', 'path("b/", w)')).toBe('urlpatterns = [\n    path("a/", v),\n    path("b/", w),\n] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)\n');
    expect(insertIntoList(text, 'urlpatterns', 'path("b/", w)', 0)).toBe('urlpatterns = [\n    path("b/", w),\n    path("a/", v),\n] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)\n');
    expect(appendToList('urlpatterns = [path("a/", v)] + x + y\n', 'urlpatterns', '"z"')).toBe('urlpatterns = [path("a/", v), "z"] + x + y\n');
  });
});

test('code style: the first text that shows quotes or indentation decides', () => {
  expect(codeStyle('from django.db import models\n', "X = 'a'\n")).toEqual({ q: "'", ind: '    ' });
  expect(codeStyle('class A:\n  x = 1\n', 'def f():\n    return "a"\n')).toEqual({ q: '"', ind: '  ' });
  expect(codeStyle(undefined, '')).toEqual({ q: '"', ind: '    ' });
});
