#!/usr/bin/env python3
"""Paths to resolve, generated from Django's own URL patterns (for the resolve oracle).

Usage:
    /usr/bin/python3 test/oracle/gen_paths.py PROJECT_ROOT [--settings MODULE]

PROJECT_ROOT, the settings module and sys.path are found exactly as django_urls.py does (see
oracle_common.py). The patterns are `get_resolver().url_patterns`, walked through every include,
so nothing here depends on the analyzer. Which paths match is not decided here: django_urls.py
--resolve-file asks Django; this script only has to produce good questions.

Prints, on stdout and nothing else, one path per line (a `#` header first), deduplicated, in a
deterministic order (no randomness). For every leaf pattern, under every language (LANGUAGE_CODE
first, then the other LANGUAGES when i18n_patterns are used, since translated routes and the
language prefix differ per language):

- the leaf filled with a valid value everywhere (its "base" path);
- every level varied on its own, the other levels staying at their base value:
  - `path()` converters: several valid values (int 0/7/2024/007, slug, str with dots, spaces and
    unicode, uuid, path with slashes, custom and DRF format-suffix converters through their regex)
    and invalid ones (letters or a minus for int, `/` in str, non-ASCII slug, upper-case or
    dash-less uuid, a custom regex one repetition short or long);
  - `re_path()` regexes: strings generated from the regex with sre_parse (literals, classes,
    categories including non-ASCII digits and letters, groups, alternation, repeats at their
    minimum, a few more, and one too few/many; lookarounds and boundaries produce nothing);
  - i18n_patterns prefixes: every language of LANGUAGES, none, an unsupported one, a regional
    variant of each, the upper-case prefix and the prefix without its slash;
- near misses of the base path: one character changed, deleted or inserted, a segment missing or
  added, the case changed;
- slash variants: trailing slash removed or added (APPEND_SLASH), doubled, a doubled slash inside,
  a leading `//`;
- a full URL (scheme, host, port, query, fragment);
- the base path under a language prefix it does not have (`/de/...`, `/xx/...`).

Near misses, slash variants other than the trailing slash, and URL forms rotate from leaf to leaf
(5 near misses per leaf), unless the project has at most 10 leaves: then every leaf gets them all.
Leaves with the same shape as one already done (the same top-level pattern and leaf pattern with
as many levels of the same kinds between them: admin's `<path:object_id>/change/` for every model)
get only their base path, the trailing-slash variant and one invalid value: their variants would
test nothing new and would multiply the expectations by the number of models.

A regex that cannot be generated (an unsupported construct) leaves its leaves out; they are
listed on stderr.
"""

import argparse
import os
import re
import sys
import warnings

sys.dont_write_bytecode = True  # leave the fixtures clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import die, open_project, run  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import re._parser as sre_parse  # Python >= 3.11
        import re._constants as C
    except ImportError:  # pragma: no cover - older Pythons
        import sre_parse
        import sre_constants as C

TIMEOUT_SECONDS = int(os.environ.get("DJANGO_URLS_ORACLE_TIMEOUT", "60"))

MAX_VALID = 7  # alternative valid values per level
MAX_INVALID = 5  # invalid values per level
NEAR_MISSES_PER_LEAF = 5
FEW_LEAVES = 10  # up to this many leaves, every leaf gets every near miss, slash variant and URL form

# Characters tried against character classes, most ordinary first (the first that fits is the
# base value); non-ASCII digits and letters are there because Python's \d and \w match them.
PROBE = list("abcxyz0123456789ABZ-_.~é٣ßΩ/ +@%:,;=!$&'()*")

# Valid and invalid values of Django's built-in converters.
BUILTIN_VALUES = {
    "IntConverter": (["7", "0", "2024", "007", "12345678901234567890"], ["abc", "-1", "1.5", "٣", "7a"]),
    "StringConverter": (["hello", "a.b", "café", "with space", "-", "%20"], ["a/b", "/"]),
    "SlugConverter": (["hello-world", "a", "Hello_World-9", "0"], ["hello world", "héllo", "a.b", "a/b"]),
    "UUIDConverter": (
        ["12345678-1234-5678-1234-567812345678", "deadbeef-0000-4000-8000-00000000abcd"],
        ["DEADBEEF-0000-4000-8000-00000000ABCD", "12345678123456781234567812345678", "1234-5678", "12345678-1234-5678-1234-56781234567g"],
    ),
    "PathConverter": (["a", "a/b/c", "dir/file.txt", "x/", "café/ü"], []),
}

# Extra values for regex groups with these names (what real requests carry).
NAMED_GROUP_VALUES = {"format": ["json", "api", "html"]}


class Skip(Exception):
    pass


class Variants:
    """A part of a path: one base value, valid alternatives and invalid ones."""

    def __init__(self, base, valid=(), invalid=()):
        self.base = base
        self.valid = list(valid)
        self.invalid = list(invalid)

    def clip(self):
        self.valid = unique(v for v in self.valid if v != self.base)[:MAX_VALID]
        self.invalid = unique(v for v in self.invalid if v != self.base and v not in self.valid)[:MAX_INVALID]
        return self


def unique(items):
    seen = set()
    out = []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


# ---------------------------------------------------------------------------------------------
# Strings from a regex (sre_parse)

CATEGORY_RE = {
    C.CATEGORY_DIGIT: re.compile(r"\d"),
    C.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    C.CATEGORY_WORD: re.compile(r"\w"),
    C.CATEGORY_NOT_WORD: re.compile(r"\W"),
    C.CATEGORY_SPACE: re.compile(r"\s"),
    C.CATEGORY_NOT_SPACE: re.compile(r"\S"),
}


def in_class(ch, items):
    negate = False
    hit = False
    o = ord(ch)
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            hit = hit or o == av
        elif op is C.RANGE:
            hit = hit or av[0] <= o <= av[1]
        elif op is C.CATEGORY:
            r = CATEGORY_RE.get(av)
            if r is None:
                raise Skip("category %s" % av)
            hit = hit or bool(r.fullmatch(ch))
        else:
            raise Skip("class item %s" % op)
    return hit != negate


def class_chars(items):
    """(chars in the class, chars outside it), from the class's own characters and PROBE."""
    own = []
    for op, av in items:
        if op is C.LITERAL:
            own.append(chr(av))
        elif op is C.RANGE:
            own += [chr(av[0]), chr(av[1]), chr((av[0] + av[1]) // 2)]
    inside, outside = [], []
    for ch in unique(PROBE[:6] + own + PROBE[6:]):
        (inside if in_class(ch, items) else outside).append(ch)
    return inside, outside


def one_char(inside, outside):
    if not inside:
        raise Skip("empty class")
    # Two ordinary alternatives, then the unusual ones the class accepts (punctuation, non-ASCII).
    unusual = [c for c in inside[1:] if not (c.isascii() and c.isalnum())]
    return Variants(inside[0], unique(inside[1:3] + unusual[:3]), [c for c in outside if c != "\n"][:2])


class RegexGen:
    def __init__(self, pattern):
        self.groups = {}  # group id -> base value (for backreferences)
        self.names = {}
        parsed = sre_parse.parse(pattern)
        self.names = {gid: name for name, gid in parsed.state.groupdict.items()}
        self.result = self.seq(list(parsed))

    def seq(self, items):
        parts = [self.item(op, av) for op, av in items]
        base = "".join(p.base for p in parts)
        valid, invalid = [], []
        for i, p in enumerate(parts):
            before = "".join(q.base for q in parts[:i])
            after = "".join(q.base for q in parts[i + 1 :])
            valid += [before + v + after for v in p.valid]
            invalid += [before + v + after for v in p.invalid]
        return Variants(base, valid, invalid).clip()

    def item(self, op, av):
        if op is C.LITERAL:
            return Variants(chr(av))
        if op is C.NOT_LITERAL:
            inside = [c for c in PROBE if ord(c) != av]
            return Variants(inside[0], inside[1:3], [chr(av)])
        if op is C.ANY:
            return Variants("a", ["é", ".", "/"], [])
        if op is C.IN:
            return one_char(*class_chars(av))
        if op is C.CATEGORY:
            return one_char(*class_chars([(C.CATEGORY, av)]))
        if op is C.BRANCH:
            alts = [self.seq(list(a)) for a in av[1]]
            first = alts[0]
            valid = [a.base for a in alts[1:]] + first.valid
            for a in alts[1:]:
                valid += a.valid[:1]
            return Variants(first.base, valid, first.invalid + [a.invalid[0] for a in alts[1:] if a.invalid])
        if op is C.SUBPATTERN:
            gid, _add, _del, p = av
            v = self.seq(list(p))
            name = self.names.get(gid)
            if name in NAMED_GROUP_VALUES:
                v.valid = NAMED_GROUP_VALUES[name] + v.valid
            if gid is not None:
                self.groups[gid] = v.base
            return v.clip()
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) or op is getattr(C, "POSSESSIVE_REPEAT", None):
            lo, hi, p = av
            return self.repeat(lo, hi, self.seq(list(p)))
        if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
            return Variants("")
        if op is C.GROUPREF:
            if av not in self.groups:
                raise Skip("backreference to a group not yet seen")
            return Variants(self.groups[av])
        if op is C.GROUPREF_EXISTS:
            _gid, yes, no = av
            v = self.seq(list(yes))
            if no is not None:
                v.valid.append(self.seq(list(no)).base)
            return v
        if getattr(C, "ATOMIC_GROUP", None) is not None and op is C.ATOMIC_GROUP:
            return self.seq(list(av))
        raise Skip("regex construct %s" % op)

    @staticmethod
    def repeat(lo, hi, inner):
        unbounded = hi == C.MAXREPEAT
        choices = [inner.base] + inner.valid

        def times(n):
            return "".join(choices[k % len(choices)] for k in range(n))

        base_n = lo if lo == hi else min(max(lo, 1), hi)
        valid = []
        if base_n >= 1:  # each alternative of the repeated part once
            valid += [times(base_n - 1) + v for v in inner.valid[:4]]
        counts = [lo, min(lo + 2, hi), 12 if unbounded else hi]
        valid += [times(n) for n in counts if n != base_n]
        invalid = []
        if lo > 0:
            invalid.append(times(lo - 1))
        if not unbounded:
            invalid.append(times(hi + 1))
        if base_n >= 1:
            invalid += [times(base_n - 1) + v for v in inner.invalid[:2]]
        return Variants(times(base_n), valid, invalid).clip()


def from_regex(pattern):
    return RegexGen(pattern).result


# ---------------------------------------------------------------------------------------------
# One level of a URL: a path() route, a re_path() regex, or an i18n_patterns prefix


def converter_values(conv):
    name = type(conv).__name__
    if name in BUILTIN_VALUES:
        valid, invalid = BUILTIN_VALUES[name]
        return Variants(valid[0], valid[1:], invalid)
    v = from_regex(conv.regex)  # a custom converter (and DRF's format suffix): its regex
    return Variants(v.base, v.valid, v.invalid)


def route_level(pattern):
    from django.urls.resolvers import _PATH_PARAMETER_COMPONENT_RE

    route = str(pattern._route)
    parts = []  # literal strings and Variants
    rest = route
    while True:
        m = _PATH_PARAMETER_COMPONENT_RE.search(rest)
        if not m:
            break
        parts.append(Variants(rest[: m.start()]))
        parts.append(converter_values(pattern.converters[m.group("parameter")]))
        rest = rest[m.end() :]
    parts.append(Variants(rest))
    base = "".join(p.base for p in parts)
    valid, invalid = [], []
    for i, p in enumerate(parts):
        before = "".join(q.base for q in parts[:i])
        after = "".join(q.base for q in parts[i + 1 :])
        valid += [before + v + after for v in p.valid]
        invalid += [before + v + after for v in p.invalid]
    # Valid values of every converter are kept (not only MAX_VALID): each converter's own kind.
    return Variants(base, unique(valid), unique(invalid))


def locale_level(pattern, languages):
    base = pattern.language_prefix
    valid = ["%s/" % code for code in languages] + [""]
    # Unsupported, regional variants (LocaleMiddleware activates the generic language, whose prefix
    # then does not match), upper case, no slash.
    invalid = ["xx/"] + ["%s-zz/" % code.split("-")[0] for code in languages]
    invalid += ["%s/" % languages[0].upper(), "%s" % languages[0]]
    return Variants(base, [v for v in valid if v != base], invalid)


def level_variants(pattern, languages):
    from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

    if isinstance(pattern, LocalePrefixPattern):
        return locale_level(pattern, languages)
    if isinstance(pattern, RoutePattern):
        return route_level(pattern)
    if isinstance(pattern, RegexPattern):
        return from_regex(str(pattern._regex))
    raise Skip("unknown pattern type %s" % type(pattern).__name__)


def level_kind(pattern):
    return type(pattern).__name__


# ---------------------------------------------------------------------------------------------
# Whole paths


def near_misses(path):
    """One character changed, deleted or inserted; a segment missing or added; the case changed."""
    body = path[1:]
    out = []
    positions = sorted({i for i in (0, len(body) // 2, len(body.rstrip("/")) - 1) if 0 <= i < len(body)})
    for i in positions:
        ch = body[i]
        if ch.isdigit():
            repl = str((int(ch) + 1) % 10) if ch.isascii() else "1"
        elif ch.isalpha() and ch.isascii():
            repl = "a" if ch.lower() == "z" else chr(ord(ch) + 1)
        elif ch == "/":
            repl = "-"
        else:
            repl = "x"
        out.append("/" + body[:i] + repl + body[i + 1 :])
        out.append("/" + body[:i] + body[i + 1 :])
    mid = len(body) // 2
    out.append("/" + body[:mid] + "x" + body[mid:])
    segs = body.split("/")
    nonempty = [i for i, s in enumerate(segs) if s]
    if nonempty:
        drop_last = nonempty[-1]
        out.append("/" + "/".join(segs[:drop_last] + segs[drop_last + 1 :]))
        out.append("/" + "/".join(segs[: nonempty[0]] + segs[nonempty[0] + 1 :]))
    out.append(path + ("extra/" if path.endswith("/") else "/extra"))
    out.append("/x" + path)
    out.append(path.upper())
    if body[:1].isalpha():
        out.append("/" + body[:1].upper() + body[1:])
    return out


def rotate(items, index, count):
    """`count` of the items, starting at a place that moves with `index`."""
    if not items:
        return []
    start = (index * count) % len(items)
    return [items[(start + k) % len(items)] for k in range(min(count, len(items)))]


def slash_variants(path):
    out = []
    if path.endswith("/") and path != "/":
        out.append(path[:-1])
        out.append(path + "/")
    elif not path.endswith("/"):
        out.append(path + "/")
    inner = path.find("/", 1)
    if inner > 0:
        out.append(path[:inner] + "/" + path[inner:])
    out.append("/" + path)
    return out


URL_FORMS = [
    "http://example.com{}",
    "https://example.com:8443{}?q=1&next=/admin/",
    "{}?page=2",
    "{}#section",
    "HTTPS://user:pw@Example.COM{}?a=b#c",
    "//example.com{}",
]


def generate(resolver_patterns, languages, i18n_used):
    from django.urls.resolvers import URLPattern, URLResolver
    from django.utils import translation

    leaves = []  # (language, [pattern, ...]) per leaf, LANGUAGE_CODE first

    def walk(patterns, chain, lang):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, chain + [p.pattern], lang)
            elif isinstance(p, URLPattern):
                leaves.append((lang, chain + [p.pattern]))

    for lang in languages:
        with translation.override(lang):
            walk(resolver_patterns, [], lang)

    paths = []
    shapes = set()
    skipped = []
    first_index = {}
    few = len({"".join(str(p) for p in chain) for _lang, chain in leaves}) <= FEW_LEAVES
    for index, (lang, chain) in enumerate(leaves):
        with translation.override(lang):
            try:
                levels = [level_variants(p, languages) for p in chain]
            except (Skip, re.error, ValueError, TypeError) as e:
                skipped.append("%s: %s" % ("".join(str(p) for p in chain), e))
                continue
            # The top level, the leaf pattern and the kinds of the levels between them.
            shape = (str(chain[0]), str(chain[-1]), tuple(level_kind(p) for p in chain), lang)
        base = "/" + "".join(lv.base for lv in levels)
        # The same leaf in another language: the same rotation, so the same paths (deduplicated).
        index = first_index.setdefault(base, index)
        paths.append(base)
        full = shape not in shapes
        shapes.add(shape)
        for i, lv in enumerate(levels):
            before = "/" + "".join(l.base for l in levels[:i])
            after = "".join(l.base for l in levels[i + 1 :])
            if full:
                paths += [before + v + after for v in lv.valid + lv.invalid]
            elif lv.invalid and i == len(levels) - 1:
                paths.append(before + lv.invalid[0] + after)
        slashes = slash_variants(base)
        paths += slashes[:1]  # the trailing slash removed (or added): APPEND_SLASH
        if full and few:
            paths += slashes[1:] + near_misses(base) + [form.format(base) for form in URL_FORMS]
        elif full:
            # The other variants rotate from leaf to leaf: every kind is tried, the list stays short.
            paths += rotate(slashes[1:], index, 1)
            paths += rotate(near_misses(base), index, NEAR_MISSES_PER_LEAF)
            paths.append(URL_FORMS[index % len(URL_FORMS)].format(base))
            # Under a language prefix it does not have.
            if i18n_used:
                paths.append("/%s%s" % (languages[-1], base))
                paths.append("/xx" + base)
    for s in skipped:
        sys.stderr.write("gen_paths.py: skipped (cannot generate) %s\n" % s)
    extra = ["/", "/" + "a" * 300 + "/", "/%2F/", "/../", "/./", "/ä/", "/\u00a0/"]
    return unique(p for p in paths + extra if p and "\n" not in p and p.strip() == p)


def main():
    parser = argparse.ArgumentParser(description="Generate paths to resolve from a Django project's URL patterns.")
    parser.add_argument("root", help="directory containing manage.py")
    parser.add_argument("--settings", help="settings module (default: from manage.py)")
    args = parser.parse_args()
    project, settings_module = open_project(args.root, args.settings, TIMEOUT_SECONDS)

    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything the project prints must not pollute the output
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.conf.urls.i18n import is_language_prefix_patterns_used
        from django.urls import get_resolver

        i18n_used = is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0] and settings.USE_I18N
        languages = [settings.LANGUAGE_CODE]
        if i18n_used:
            languages += [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        paths = generate(get_resolver().url_patterns, languages, i18n_used)
    except BaseException:  # noqa: BLE001
        import traceback

        die("failed:\n" + traceback.format_exc())
    finally:
        sys.stdout = real_stdout
    header = "# generated by test/oracle/gen_paths.py from Django's URL patterns (%s); do not edit\n" % settings_module
    real_stdout.buffer.write((header + "".join(p + "\n" for p in paths)).encode("utf-8"))
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    run(main, "GEN_PATHS_CHILD", TIMEOUT_SECONDS)
