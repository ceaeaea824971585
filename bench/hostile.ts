/**
 * Template texts on which a naive lexer/parser takes time quadratic in their size (an earlier one
 * took seconds at a tenth of these sizes). The robustness test checks they parse; the benchmark
 * times them.
 */
export const HOSTILE: [string, () => string][] = [
  ['an unterminated {% comment %} followed by 400,000 `{%` (800 KB)', () => '{% comment %}' + '{%'.repeat(400000) + '%}'],
  ['a tag with 400,000 spaces inside', () => '{% a' + ' '.repeat(400000) + 'b %}'],
  ['60,000 nested blocks, then 60,000 {{ block.super }}', () => '{% block a %}'.repeat(60000) + '{{ block.super }}'.repeat(60000)],
  ['200,000 `{{ x }}` on one line (1.4 MB, a minified template)', () => '{{ x }}'.repeat(200000)],
];
