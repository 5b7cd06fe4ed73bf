#!/usr/bin/env python3
"""eval.py - measure awsmask on the labelled corpus (make eval).

    python3 tests/corpus/eval.py [--bin DIR] [--jobs N] [--subset] [--json FILE]
                                 [--examples N] [FILE ...]

Masks every corpus file with the built cmd/awsmask (--store memory:
--report FILE, one fresh run per file), compares the reported spans with
the labels, and prints:

  - recall per kind, per context and per format: a label is found when
    every letter and digit of it lies inside a reported span;
  - the misses sorted into the classes of issue #13, with examples;
  - false positives: reported spans that touch no label, split into
    names under a naming context (kinds resource-name and learned-name)
    and everything else;
  - the negative set's findings (every one is a false positive);
  - round-trip exactness: awsmask then awsunmask through one shared
    SQLite store gives back every file byte for byte.

Only round-trip failures (or a tool that fails on a file) make the exit
status non-zero: recall and false positives are figures to follow, not
pass/fail, until the detection rules of issue #13 land.

--subset runs a few small files of each format (make check uses it);
FILE arguments run those corpus files only; --json writes the figures
as JSON for comparing two runs.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpuslib as cl  # noqa: E402

REPO = os.path.dirname(os.path.dirname(cl.ROOT))

# A few files of every format: quick enough for make check.
SUBSET = [
    'aws/aws-cli/iam/get-role.rst',
    'aws/aws-cli/ec2/describe-flow-logs.rst',
    'aws/botocore/ec2-describe-instances.xml',
    'aws/panther/aws_vpc_port_scanning.yml',
    'aws/lambda-events/s3-event.json',
    'aws/logs/vpc-flow.log',
    'aws/logs/cloudtrail/ct-example-1.json',
    'aws/awsdocs/cloudtrail-find-log-files.md',
    'negative/written/settings.ini',
    'negative/written/nginx-access.log',
]

JSON_FORMATS = ('json', 'ndjson')

# ---------------------------------------------------------------- running


def tool_env(tmp):
    env = {k: v for k, v in os.environ.items()
           if not re.match(r'(AWSMASK_|REDIS_|MASKING_|ANTHROPIC_|USE_REDIS$)', k)}
    home = os.path.join(tmp, 'home')
    os.makedirs(os.path.join(home, '.config'), exist_ok=True)
    os.makedirs(os.path.join(home, '.local', 'state'), exist_ok=True)
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, '.config'),
               XDG_STATE_HOME=os.path.join(home, '.local', 'state'),
               AWSMASK_SYSCONFIG=os.path.join(tmp, 'no-such-dir', 'awsmask.conf'),
               LC_ALL='C')
    return env


def run_file(rel, bindir, tmp, env, store):
    """Mask REL with a fresh memory store and a report, then round-trip it
    through the shared SQLite STORE.  Returns a result dict."""
    path = os.path.join(cl.ROOT, rel)
    work = tempfile.mkdtemp(dir=tmp)
    rep = os.path.join(work, 'report')
    res = {'file': rel, 'spans': [], 'error': None, 'roundtrip': None}
    p = subprocess.run([os.path.join(bindir, 'awsmask'), '--store', 'memory:',
                        '--report', rep, path], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env)
    if p.returncode != 0:
        res['error'] = 'awsmask exit %d: %s' % (p.returncode, p.stderr.decode(errors='replace').strip()[:200])
    if os.path.exists(rep):
        with open(rep) as f:
            for line in f:
                line = line.strip()
                if line:
                    r = json.loads(line)
                    res['spans'].append((r['offset'], r['length'], r['kind'], r['token']))
    masked = os.path.join(work, 'masked')
    back = os.path.join(work, 'back')
    with open(masked, 'wb') as out:
        p1 = subprocess.run([os.path.join(bindir, 'awsmask'), '--store', store, path],
                            stdout=out, stderr=subprocess.PIPE, env=env)
    with open(back, 'wb') as out:
        p2 = subprocess.run([os.path.join(bindir, 'awsunmask'), '--store', store, masked],
                            stdout=out, stderr=subprocess.PIPE, env=env)
    if p1.returncode != 0 or p2.returncode != 0:
        res['roundtrip'] = 'exit %d/%d: %s' % (p1.returncode, p2.returncode,
                                               (p1.stderr + p2.stderr).decode(errors='replace').strip()[:200])
    else:
        a = open(path, 'rb').read()
        b = open(back, 'rb').read()
        if a != b:
            n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            res['roundtrip'] = 'differs at byte %d' % n
    shutil.rmtree(work, ignore_errors=True)
    return res


def probe_json(pairs, bindir, tmp, env):
    """For each (key, value), does awsmask mask value in {"key": "value"}?
    Tells a rule that works in JSON only from a rule that is missing."""
    if not pairs:
        return {}
    path = os.path.join(tmp, 'probe.ndjson')
    rep = os.path.join(tmp, 'probe.report')
    offs = []
    with open(path, 'wb') as f:
        pos = 0
        for k, v in pairs:
            line = b'{"' + k + b'": "' + v + b'"}\n'
            offs.append((pos + len(k) + 6, len(v)))
            f.write(line)
            pos += len(line)
    subprocess.run([os.path.join(bindir, 'awsmask'), '--store', 'memory:', '--format', 'ndjson',
                    '--report', rep, path], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    hit = set()
    if os.path.exists(rep):
        for line in open(rep):
            r = json.loads(line)
            hit.add(r['offset'])
    out = {}
    for (k, v), (o, ln) in zip(pairs, offs):
        out[(k, v)] = any(o <= h < o + ln for h in hit)
    return out

# ---------------------------------------------------------------- comparing


def alnum_positions(data, off, ln):
    return [i for i in range(off, off + ln) if chr(data[i]).isalnum()]


KEY_BEFORE = [
    re.compile(rb'"([A-Za-z0-9_:.@-]+)"\s*:\s*"?$'),
    re.compile(rb'<([A-Za-z][A-Za-z0-9_:.-]*)>\s*$'),
    re.compile(rb'(?:^|[\s{,(])([A-Za-z_][A-Za-z0-9_.:-]*)[ \t]*[:=][ \t]*["\']?$'),
]


def key_before(data, off):
    """The key written just before OFF on its line, or None."""
    start = data.rfind(b'\n', 0, off) + 1
    before = data[max(start, off - 120):off]
    for rx in KEY_BEFORE:
        m = rx.search(before)
        if m:
            return m.group(1)
    return None


STRICT = {
    'ACCOUNT': r'[0-9]{12}',
    'ACCESS_KEY': r'(AKIA|ASIA)[A-Z2-7]{16}',
    'IAM_ID': r'A[A-Z]{3}[A-Z2-7]{16,17}',
    'KMS_KEY': r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}',
    'ROUTE53_ZONE': r'Z[A-Z0-9]{8,32}',
    'CF_DIST': r'E[A-Z0-9]{12,13}',
    'S3_CANONICAL': r'[0-9a-f]{64}',
}
PREFIXED = {'EC2', 'AMI', 'EBS_VOL', 'SNAPSHOT', 'SG', 'SG_RULE', 'SUBNET', 'VPC', 'ENI',
            'IGW', 'NAT_GW', 'RTB', 'NACL', 'EIP', 'TGW', 'PCX', 'VPCE', 'LT', 'DOPT',
            'KEY_PAIR', 'PL', 'VPN', 'RESERVATION', 'SPOT', 'FLEET', 'EFS', 'CVPN', 'IPAM',
            'HOST_ID', 'FLOW_LOG', 'CAPACITY_RES', 'SSM_NODE', 'AWS_ID'}
ONE_SHAPE = {'ROUTE53_ZONE', 'CF_DIST', 'KMS_KEY', 'SECRET_KEY', 'SESSION_TOKEN',
             'EKS_CLUSTER', 'HOST', 'RDS', 'ELASTICACHE', 'OPENSEARCH', 'REDSHIFT',
             'API_GW', 'CLOUDFRONT', 'LAMBDA', 'EC2_HOST', 'S3_CANONICAL', 'COGNITO_POOL'}

CLASSES = [
    ('13.1', 'key context outside JSON mode: the same key works in {"key": "value"}'),
    ('13.2', 'generic EC2-style IDs (<prefix>-<hex>) of prefixes not in the catalogue'),
    ('13.3', 'relaxed shapes under a key or flag that names the kind'),
    ('13.4', 'accounts in paths, lists and non-aws partitions'),
    ('13.5', 'kinds known in one shape only (zones, distributions, KMS, secrets, hosts)'),
    ('13.6', 'names: naming keys and flags, plural forms, Name tags, prose'),
    ('13.6b', 'names and IDs: later bare occurrences of a value found elsewhere'),
    ('13.7', 'smaller classes: accounts in prose and markup, log fields, compound values'),
    ('x.esc', 'not in #13: Markdown-escaped text (10\\.0\\.1\\.5, eni\\-...)'),
    ('x.free', 'not in #13: example-shaped IDs in free text (strict form by design)'),
    ('x.id', 'not in #13: opaque IDs under an *Id key (DetectorId, TableId, ...)'),
    ('x.other', 'other'),
]


def strict(kind, text):
    if kind in STRICT:
        return re.fullmatch(STRICT[kind], text) is not None
    if kind in PREFIXED:
        return re.fullmatch(r'[a-z][a-z0-9-]*-(?:[0-9a-f]{8}|[0-9a-f]{17})', text) is not None
    return True


def classify(lab, data, fmt, probed):
    off, ln, kind, ctx, text = lab
    if '\\' in text:
        return 'x.esc'
    if kind == 'AWS_ID':
        return '13.2'
    if kind == 'RESOURCE_ID':
        return 'x.id'
    if not strict(kind, text):
        return '13.3' if ctx in ('key', 'flag', 'list') else 'x.free'
    if kind == 'ACCOUNT':
        before = data[max(0, off - 40):off]
        if ctx in ('path', 'list') or re.search(rb'arn:aws-[a-z-]+:[^\s"]*$', before):
            return '13.4'
    if ctx in ('key', 'list', 'tag', 'flag') and fmt not in JSON_FORMATS and probed:
        return '13.1'
    if ctx == 'learnt':
        return '13.6b'
    if kind in ONE_SHAPE:
        return '13.5'
    if kind in cl.NAME_KINDS or kind == 'IAM_SESSION':
        return '13.6'
    if kind in ('ACCOUNT', 'PUBLIC_IP', 'PRIVATE_IP', 'IPV6', 'BUCKET', 'FLOW_LOG', 'S3_CANONICAL'):
        return '13.7'
    return 'x.other'


def token_prefix(tok):
    return re.sub(r'_[0-9]+$', '', tok)

# ---------------------------------------------------------------- report


def pct(a, b):
    return '%6.2f%%' % (100.0 * a / b) if b else '     - '


def line_of(data, off):
    return data.count(b'\n', 0, off) + 1


def show(text, n=60):
    t = text.replace('\n', '\\n')
    return t if len(t) <= n else t[:n - 3] + '...'


def main(argv):
    ap = argparse.ArgumentParser(prog='eval.py')
    ap.add_argument('--bin', default=os.path.join(REPO, 'cmd'))
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--subset', action='store_true')
    ap.add_argument('--json')
    ap.add_argument('--examples', type=int, default=3)
    ap.add_argument('files', nargs='*')
    a = ap.parse_args(argv)

    for t in ('awsmask', 'awsunmask'):
        if not os.access(os.path.join(a.bin, t), os.X_OK):
            print('eval.py: %s not built in %s (run make)' % (t, a.bin), file=sys.stderr)
            return 2
    if a.files:
        files = [os.path.relpath(os.path.abspath(f), cl.ROOT) if os.path.exists(f) else f
                 for f in a.files]
    elif a.subset:
        files = SUBSET
    else:
        files = cl.corpus_files()
    for f in files:
        if not os.path.exists(os.path.join(cl.ROOT, f)):
            print('eval.py: no corpus file %s' % f, file=sys.stderr)
            return 2

    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix='awsmask-eval.')
    try:
        env = tool_env(tmp)
        store = 'sqlite:' + os.path.join(tmp, 'roundtrip.db')
        # the shared store is created by one run first, so that the
        # parallel runs after it do not race to create its schema
        subprocess.run([os.path.join(a.bin, 'awsmask'), '--store', store],
                       input=b'i-0123456789abcdef0\n', stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            results = list(ex.map(lambda f: run_file(f, a.bin, tmp, env, store), files))
        return report(a, files, results, tmp, env, t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(a, files, results, tmp, env, t0):
    by_kind = collections.defaultdict(lambda: [0, 0, 0])     # found, partial, missed
    by_ctx = collections.defaultdict(lambda: [0, 0, 0])
    by_fmt = collections.defaultdict(lambda: [0, 0, 0])
    kind_pairs = collections.Counter()
    misses = []
    fps = []
    neg = []
    probe_want = {}
    pos_bytes = 0
    neg_bytes = 0
    errors = []
    for res in results:
        rel = res['file']
        data = open(os.path.join(cl.ROOT, rel), 'rb').read()
        fmt = cl.file_format(rel)
        if res['error']:
            errors.append((rel, res['error']))
        covered = bytearray(len(data))
        for off, ln, kind, tok in res['spans']:
            for i in range(off, min(off + ln, len(data))):
                covered[i] = 1
        if rel.startswith(cl.NEGATIVE + '/'):
            neg_bytes += len(data)
            for off, ln, kind, tok in res['spans']:
                neg.append((rel, off, ln, kind, tok, data))
            continue
        pos_bytes += len(data)
        labels = cl.read_spans(os.path.join(cl.ROOT, rel)) or []
        labelled = bytearray(len(data))
        for lab in labels:
            off, ln, kind, ctx, text = lab
            for i in range(off, off + ln):
                labelled[i] = 1
            al = alnum_positions(data, off, ln) or list(range(off, off + ln))
            hit = sum(covered[i] for i in al)
            state = 0 if hit == len(al) else 1 if hit else 2
            for t in (by_kind[kind], by_ctx[ctx], by_fmt[fmt]):
                t[state] += 1
            if state == 0:
                toks = {token_prefix(tok) for o, l, k, tok in res['spans'] if o < off + ln and off < o + l}
                if kind not in toks:
                    kind_pairs[(kind, ', '.join(sorted(toks)))] += 1
            else:
                misses.append((rel, lab, state, data, fmt))
                if ctx in ('key', 'list', 'tag', 'flag'):
                    k = key_before(data, off)
                    if k:
                        probe_want[(rel, off, kind)] = (k, data[off:off + ln])
        for off, ln, kind, tok in res['spans']:
            al = [i for i in range(off, min(off + ln, len(data))) if chr(data[i]).isalnum()]
            if al and not any(labelled[i] for i in al):
                fps.append((rel, off, ln, kind, tok, data))

    pairs = sorted(set(probe_want.values()))
    probed = probe_json(pairs, a.bin, tmp, env)
    probe = {k: probed.get(kv, False) for k, kv in probe_want.items()}

    W = 78
    print('awsmask on the labelled corpus (tests/corpus, see its README.md)')
    print('=' * W)
    npos = sum(1 for f in files if f.startswith(cl.POSITIVE + '/'))
    print('files: %d AWS (%d KB), %d negative (%d KB); %.0f s' % (
        npos, pos_bytes // 1024, len(files) - npos, neg_bytes // 1024, time.time() - t0))
    tot = [sum(v[i] for v in by_kind.values()) for i in range(3)]
    nl = sum(tot)
    print('labels: %d   found: %d   partly: %d   missed: %d   recall: %s' % (
        nl, tot[0], tot[1], tot[2], pct(tot[0], nl).strip()))
    names_fp = [f for f in fps if f[3] in ('resource-name', 'learned-name')]
    other_fp = [f for f in fps if f[3] not in ('resource-name', 'learned-name')]
    print('false positives on AWS text: %d names under a naming context, %d other' % (
        len(names_fp), len(other_fp)))
    print('false positives on the negative set: %d' % len(neg))
    rt_fail = [(r['file'], r['roundtrip']) for r in results if r['roundtrip']]
    print('round trip: %d of %d files byte for byte' % (len(results) - len(rt_fail), len(results)))
    print('(only round-trip failures fail make eval; recall and false positives are figures)')

    def table(title, rows, keyname):
        print()
        print(title)
        print('-' * W)
        print('%-22s %7s %7s %7s %7s %8s' % (keyname, 'labels', 'found', 'partly', 'missed', 'recall'))
        for k, v in sorted(rows.items(), key=lambda kv: (-(kv[1][1] + kv[1][2]), -sum(kv[1]), kv[0])):
            n = sum(v)
            print('%-22s %7d %7d %7d %7d %8s' % (k, n, v[0], v[1], v[2], pct(v[0], n)))

    table('Recall by kind (sorted by misses)', by_kind, 'kind')
    table('Recall by context', by_ctx, 'context')
    table('Recall by format', by_fmt, 'format')

    print()
    print('Misses by class of issue #13 (partly found counts as missed)')
    print('-' * W)
    cls = collections.defaultdict(list)
    for m in misses:
        rel, lab, state, data, fmt = m
        cls[classify(lab, data, fmt, probe.get((rel, lab[0], lab[2]), False))].append(m)
    for code, title in CLASSES:
        ms = cls.get(code, [])
        if not ms:
            continue
        kinds = collections.Counter(m[1][2] for m in ms)
        print('%-6s %5d  %s' % (code, len(ms), title))
        print('       kinds: %s' % ', '.join('%s %d' % kv for kv in kinds.most_common(8)))
        seen = set()
        shown = 0
        for rel, lab, state, data, fmt in ms:
            off, ln, kind, ctx, text = lab
            if (text, kind) in seen:
                continue
            seen.add((text, kind))
            s = data.rfind(b'\n', 0, off) + 1
            e = data.find(b'\n', off)
            e = len(data) if e < 0 else e
            ctxt = data[max(s, off - 30):min(e, off + ln + 20)].decode('utf-8', 'replace').strip()
            print('       %s:%d %s [%s] in: %s' % (rel, line_of(data, off), kind, ctx, show(ctxt, 70)))
            shown += 1
            if shown >= a.examples:
                break

    if kind_pairs:
        print()
        print('Found, but under another token prefix (label kind -> token prefix)')
        print('-' * W)
        for (k, t), n in kind_pairs.most_common(12):
            print('%5d  %-16s -> %s' % (n, k, t or '?'))

    def fp_block(title, items):
        print()
        print(title)
        print('-' * W)
        if not items:
            print('none')
            return
        kinds = collections.Counter(f[3] for f in items)
        print('by kind: %s' % ', '.join('%s %d' % kv for kv in kinds.most_common()))
        texts = collections.Counter()
        where = {}
        for rel, off, ln, kind, tok, data in items:
            t = data[off:off + ln].decode('utf-8', 'replace')
            texts[(kind, t)] += 1
            where.setdefault((kind, t), (rel, line_of(data, off)))
        for (kind, t), n in texts.most_common(a.examples * 5):
            rel, ln_ = where[(kind, t)]
            print('%5d  %-16s %-36s %s:%d' % (n, kind, show(t, 36), rel, ln_))

    fp_block('False positives on AWS text: names under a naming context', names_fp)
    fp_block('False positives on AWS text: everything else', other_fp)
    fp_block('Findings on the negative set (all false positives)', neg)

    print()
    print('Round trip (awsmask | awsunmask, one shared SQLite store)')
    print('-' * W)
    if rt_fail:
        for f, why in rt_fail:
            print('FAIL  %s: %s' % (f, why))
    else:
        print('all %d files come back byte for byte' % len(results))
    if errors:
        print()
        print('awsmask failed on (its report may be incomplete):')
        for f, why in errors:
            print('  %s: %s' % (f, why))

    if a.json:
        summary = {
            'labels': nl, 'found': tot[0], 'partly': tot[1], 'missed': tot[2],
            'recall': tot[0] / nl if nl else None,
            'fp_names': len(names_fp), 'fp_other': len(other_fp), 'fp_negative': len(neg),
            'roundtrip_failures': len(rt_fail), 'files': len(results),
            'by_kind': {k: dict(zip(('found', 'partly', 'missed'), v)) for k, v in by_kind.items()},
            'by_context': {k: dict(zip(('found', 'partly', 'missed'), v)) for k, v in by_ctx.items()},
            'miss_classes': {c: len(v) for c, v in cls.items()},
        }
        with open(a.json, 'w') as f:
            json.dump(summary, f, indent=1, sort_keys=True)
    return 1 if rt_fail else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
