#!/usr/bin/env python3
"""Generate a log for `make bench`: about one identifier per 150 bytes,
drawn from a fixed set of distinct identifiers (default 20,000), seeded so
that every run measures the same bytes.

usage: gen.py MEGABYTES [DISTINCT] > file
       gen.py ids N > file
       gen.py cloudtrail MEGABYTES > file   (one {"Records": [...]} document)
       gen.py ndjson MEGABYTES > file       (the same records, one a line)
       gen.py redis-mappings N NS TTL OLD | redis-cli --pipe
                                            (N mappings; half used OLD s ago)
       gen.py string MEGABYTES > file       (one document, one huge string)
       gen.py mappings FILE REPORT           (how many distinct originals
                                             awsmask --report found in FILE)
       gen.py set-pairs FILE REPORT NS TTL | redis-cli --pipe
                                            (those mappings, written as
                                             awsmask writes a new one)
"""
import random
import sys


def identifiers(n, rnd):
    kinds = [
        lambda: "i-%017x" % rnd.getrandbits(68),
        lambda: "vol-%017x" % rnd.getrandbits(68),
        lambda: "sg-%017x" % rnd.getrandbits(68),
        lambda: "subnet-%017x" % rnd.getrandbits(68),
        lambda: "10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256),
                                 rnd.randrange(1, 255)),
        lambda: "54.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256),
                                 rnd.randrange(1, 255)),
        lambda: "arn:aws:iam::%012d:role/app-%d" % (rnd.randrange(10**12),
                                                    rnd.randrange(10**6)),
        lambda: "AKIA%016d" % rnd.randrange(10**16),
    ]
    out = set()
    while len(out) < n:
        out.add(rnd.choice(kinds)())
    return sorted(out)


def cloudtrail(mb, one_document):
    """CloudTrail-like records, written as they are made: the generator,
    like the tool, never holds the document."""
    import json
    rnd = random.Random(11)
    ids = identifiers(20000, rnd)
    names = ["app-%d" % i for i in range(500)]
    target = int(mb * 1024 * 1024)
    out = sys.stdout
    size = 0
    i = 0
    if one_document:
        out.write('{"Records": [\n')
    while size < target:
        acct = "%012d" % (100000000000 + i % 50)
        rec = {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROA%016d:session-%d" % (i % 997, i % 13),
                "arn": "arn:aws:sts::%s:assumed-role/%s/session-%d" %
                       (acct, rnd.choice(names), i % 13),
                "accountId": acct,
                "accessKeyId": "ASIA%016d" % (i % 9973),
            },
            "eventTime": "2026-11-28T12:%02d:%02dZ" % (i // 60 % 60, i % 60),
            "eventSource": "ec2.amazonaws.com",
            "eventName": "DescribeInstances",
            "awsRegion": "us-east-1",
            "sourceIPAddress": rnd.choice(ids) if i % 3 else "54.1.2.%d" % (i % 250),
            "userAgent": "aws-cli/2.15.0 Python/3.11.6",
            "requestParameters": {
                "instancesSet": {"items": [{"instanceId": rnd.choice(ids)}]},
                "roleName": rnd.choice(names),
                "description": "caf\u00e9 r\u00e9sum\u00e9 \u2603 %s" % rnd.choice(ids),
            },
            "responseElements": None,
            "requestID": "%08x-0000-4000-8000-%012x" % (i, i),
            "eventID": "%08x-1111-4000-8000-%012x" % (i, i),
            "readOnly": True,
            "recipientAccountId": acct,
        }
        line = json.dumps(rec)
        if one_document:
            line = ("  " if i == 0 else ",\n  ") + line
        else:
            line += "\n"
        out.write(line)
        size += len(line)
        i += 1
    if one_document:
        out.write("\n]}\n")


def redis_mappings(n, ns, ttl, old):
    """RESP for redis-cli --pipe: n mappings i-<hex> <-> EC2_<n>, both
    directions with a TTL; every second one as if last used `old` seconds
    ago (its TTL that much shorter).  The counter goes too."""
    out = sys.stdout
    chunk = []

    def cmd(*words):
        parts = ["*%d\r\n" % len(words)]
        for w in words:
            parts.append("$%d\r\n%s\r\n" % (len(w), w))
        chunk.append("".join(parts))

    for i in range(1, n + 1):
        orig = "i-%017x" % i
        tok = "EC2_%07d" % i
        ex = str(ttl - (old if i % 2 else 0))
        cmd("SET", ns + "unmask:" + tok, orig, "EX", ex)
        cmd("SET", ns + "mask:" + orig, tok, "EX", ex)
        if len(chunk) >= 20000:
            out.write("".join(chunk))
            chunk = []
    cmd("SET", ns + "counter:EC2", str(n))
    out.write("".join(chunk))


def mappings(path, report):
    """The distinct originals of awsmask --report REPORT (one input, path)
    with their tokens, in the order met: the mappings a run makes.  A
    line of path may hold more than one identifier (a role ARN holds its
    account and its role name)."""
    import json
    with open(path, "rb") as f:
        data = f.read()
    seen = {}
    with open(report) as f:
        for line in f:
            r = json.loads(line)
            orig = data[r["offset"]:r["offset"] + r["length"]]
            seen.setdefault(orig, r["token"].encode())
    return seen


def set_pairs(path, report, ns, ttl):
    """RESP for redis-cli --pipe: the two writes awsmask makes for a new
    identifier, SET unmask:<token> NX EX and SET mask:<original> NX EX,
    for every mapping a run makes of path: what Redis itself needs to
    take them."""
    out = sys.stdout.buffer
    chunk = []
    ex = str(ttl).encode()
    ns = ns.encode()
    for orig, tok in mappings(path, report).items():
        for key, val in ((b"unmask:" + tok, orig), (b"mask:" + orig, tok)):
            words = (b"SET", ns + key, val, b"NX", b"EX", ex)
            parts = [b"*%d\r\n" % len(words)]
            for w in words:
                parts.append(b"$%d\r\n%s\r\n" % (len(w), w))
            chunk.append(b"".join(parts))
        if len(chunk) >= 20000:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))


def one_string(mb):
    """{"Blob": "..."}: one string of about mb megabytes, identifiers and
    escapes throughout, written piece by piece."""
    piece = ("x i-0123456789abcdef0 caf\\u00e9 \\\"q\\\" 10.1.2.3 "
             "plain words pad ")
    n = int(mb * 1048576) // len(piece)
    out = sys.stdout
    out.write('{"Blob": "')
    for _ in range(n // 1000):
        out.write(piece * 1000)
    out.write(piece * (n % 1000))
    out.write('"}\n')


def main():
    if len(sys.argv) > 5 and sys.argv[1] == "redis-mappings":
        redis_mappings(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]),
                       int(sys.argv[5]))
        return
    if len(sys.argv) > 5 and sys.argv[1] == "set-pairs":
        set_pairs(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    if len(sys.argv) > 3 and sys.argv[1] == "mappings":
        print(len(mappings(sys.argv[2], sys.argv[3])))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "string":
        one_string(float(sys.argv[2]))
        return
    if len(sys.argv) > 2 and sys.argv[1] in ("cloudtrail", "ndjson"):
        cloudtrail(float(sys.argv[2]), sys.argv[1] == "cloudtrail")
        return
    if len(sys.argv) > 1 and sys.argv[1] == "ids":
        # usage: gen.py ids N: N distinct identifiers, one a line
        rnd = random.Random(7)
        sys.stdout.write("\n".join(identifiers(int(sys.argv[2]), rnd)) + "\n")
        return
    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 100
    distinct = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rnd = random.Random(42)
    ids = identifiers(distinct, rnd)
    words = ("request completed status ok latency user service handler "
             "retry upstream connection pool worker queue backend cache "
             "timeout payload deploy").split()
    target = int(mb * 1024 * 1024)
    size = 0
    out = sys.stdout
    chunk = []
    i = 0
    while size < target:
        # ~150 bytes per identifier: two identifiers in a ~300-byte line.
        filler = " ".join(rnd.choice(words) for _ in range(28))
        line = ("2026-11-28T12:%02d:%02d.%03dZ INFO pid=%d %s %s %s id=%s\n" %
                (i // 60 % 60, i % 60, i % 1000, 1000 + i % 9000,
                 rnd.choice(ids), filler, rnd.choice(ids),
                 "%08x" % rnd.getrandbits(32)))
        chunk.append(line)
        size += len(line)
        i += 1
        if len(chunk) >= 10000:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))


if __name__ == "__main__":
    main()
