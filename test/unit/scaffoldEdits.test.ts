/**
 * A plan's edit as the editor applies it (`textChanges`): the smallest line-wise changes, all
 * against the text before, that give the text after; lines the scaffold does not touch are not
 * part of any change (an open editor keeps its cursors and folds there).
 */
import { test, expect } from 'vitest';
import { textChanges, type TextChange } from '../../server/src/core/scaffold/edits';

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
