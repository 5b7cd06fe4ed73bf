#!/usr/bin/env python3
"""Generate a log for `make bench`: about one identifier per 150 bytes,
drawn from a fixed set of distinct identifiers (default 20,000), seeded so
that every run measures the same bytes.

usage: gen.py MEGABYTES [DISTINCT] > file
       gen.py ids N > file
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


def main():
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
