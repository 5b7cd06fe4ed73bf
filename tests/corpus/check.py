#!/usr/bin/env python3
"""check.py - prove that the corpus labels are consistent.

    python3 tests/corpus/check.py [--no-rules]

Checks that every file under aws/ has a FILE.spans and no negative file
has one; that every span lies inside its file, has the kind and context
of corpuslib's vocabulary, and holds the text the file has at that
offset; that spans are sorted and do not overlap; that SOURCES.md names
every corpus file; and that label.py with review.tsv still gives the
committed labels (so nobody edits a .spans by hand and loses it the next
time the rules run; --no-rules skips that slower check).  Prints TAP; exits 1 on the first kind of failure
it finds in each test.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpuslib as cl  # noqa: E402

results = []


def ok(cond, title, diag=()):
    results.append(cond)
    print('%s %d - %s' % ('ok' if cond else 'not ok', len(results), title))
    for d in list(diag)[:20]:
        print('#\t%s' % d)


def main():
    pos = cl.corpus_files(cl.POSITIVE)
    neg = cl.corpus_files(cl.NEGATIVE)
    os.chdir(cl.ROOT)

    missing = [p for p in pos if not os.path.exists(p + cl.SUFFIX)]
    ok(pos and not missing, 'every AWS corpus file has its labels (%d files)' % len(pos),
       ['no labels: %s' % p for p in missing])

    extra = [p for p in neg if os.path.exists(p + cl.SUFFIX)]
    ok(neg and not extra, 'no negative file has labels (%d files)' % len(neg),
       ['labels beside a negative file: %s' % p for p in extra])

    orphans = []
    for dirpath, _, filenames in os.walk('.'):
        for fn in filenames:
            if fn.endswith(cl.SUFFIX):
                base = os.path.normpath(os.path.join(dirpath, fn[:-len(cl.SUFFIX)]))
                if not os.path.exists(base):
                    orphans.append(base + cl.SUFFIX)
    ok(not orphans, 'no labels without their file', orphans)

    bad = []
    total = 0
    for p in pos:
        data = open(p, 'rb').read()
        try:
            spans = cl.read_spans(p) or []
        except ValueError as e:
            bad.append(str(e))
            continue
        last_end = 0
        for off, ln, kind, ctx, text in spans:
            total += 1
            where = '%s%s: offset %d' % (p, cl.SUFFIX, off)
            if ln <= 0 or off + ln > len(data):
                bad.append('%s: outside the file' % where)
                continue
            if off < last_end:
                bad.append('%s: overlaps or is out of order' % where)
            last_end = off + ln
            if kind not in cl.KINDS:
                bad.append('%s: unknown kind %s' % (where, kind))
            if ctx not in cl.CONTEXTS:
                bad.append('%s: unknown context %s' % (where, ctx))
            if data[off:off + ln].decode('utf-8', 'backslashreplace') != text:
                bad.append('%s: the file says %r, the label %r'
                           % (where, data[off:off + ln][:40], text[:40]))
    ok(not bad, 'every label matches its file (%d labels)' % total, bad)

    sources = open('SOURCES.md', encoding='utf-8').read()
    unnamed = [p for p in pos + neg
               if '`%s`' % p not in sources and
               '`%s/*`' % os.path.dirname(p) not in sources]
    ok(not unnamed, 'SOURCES.md says where every corpus file came from', unnamed)

    if '--no-rules' not in sys.argv[1:]:
        r = subprocess.run([sys.executable, os.path.join(cl.ROOT, 'label.py'), '--check'],
                           capture_output=True, text=True)
        ok(r.returncode == 0, 'label.py and review.tsv give the committed labels',
           r.stderr.splitlines())

    print('1..%d' % len(results))
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
