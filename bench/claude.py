#!/usr/bin/env python3
"""make bench, part 2: awsmask-claude's own cost, against the mock API.

    python3 bench/claude.py        (from the repository root, after make)

1. Overhead per request: N requests (BENCH_CLAUDE_N, default 20) with
   a describe-instances document as data, --no-cache, not streamed.
   Reports the tool's own masking and unmasking time (its -v figures),
   its wall time per request, and two yardsticks on the same requests:
   curl POSTing the same masked body, and `awsmask` masking the same
   input (a process start, the catalogue compiled, one store batch).
2. Streaming latency: the mock streams an answer in 60 deltas, 30 ms
   apart, and logs when it sends each one; the tool's stdout is read as
   it comes and timestamped.  The latency of a delta is the time from
   its sending to its unmasked text on stdout: to the first byte the tool
   writes after it, and to its whole text.  A delta's last word waits for
   the next delta when it may still begin a token (in any case: "in" may
   be INSTANCE_..., "s" SG_..., and "EC2_0" is one), by design; such
   deltas make the second figure larger than the first.
   Yardstick: `curl -N` reading the same stream, to the delta's bytes.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.getcwd()
TOOL = os.path.join(ROOT, "cmd", "awsmask-claude")
MASK = os.path.join(ROOT, "cmd", "awsmask")
UNMASK = os.path.join(ROOT, "cmd", "awsunmask")
MOCK = os.path.join(ROOT, "tests", "integration", "mock-claude.py")
N = int(os.environ.get("BENCH_CLAUDE_N", "20"))
KEY = "sk-bench-0123456789"


def start_mock(d):
    p = subprocess.Popen([sys.executable, MOCK, d, KEY],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(os.path.join(d, "port")):
            break
        time.sleep(0.025)
    port = open(os.path.join(d, "port")).read().strip()
    return p, "http://127.0.0.1:" + port


def plan(d, obj):
    pdir = os.path.join(d, "plan")
    os.makedirs(pdir, exist_ok=True)
    name = "%d.json" % time.time_ns()
    with open(os.path.join(pdir, name), "w") as f:
        json.dump(obj, f)


def data(n):
    """A describe-instances document with n instances."""
    res = []
    for i in range(n):
        res.append({"OwnerId": "1234567890%02d" % (i % 50),
                    "Instances": [{
                        "InstanceId": "i-0%016x" % (0xabc000 + i),
                        "ImageId": "ami-0%016x" % (0xdef000 + i),
                        "PrivateIpAddress": "10.%d.%d.%d" % (i % 250, i % 7, i % 200 + 1),
                        "VpcId": "vpc-0%016x" % (0x1000 + i % 3),
                        "SubnetId": "subnet-0%016x" % (0x2000 + i % 9),
                        "SecurityGroups": [{"GroupId": "sg-0%016x" % (0x3000 + i % 5),
                                            "GroupName": "web-%d" % (i % 5)}],
                        "State": {"Name": "running"},
                        "InstanceType": "t3.micro"}]})
    return json.dumps({"Reservations": res}, indent=2) + "\n"


def ms(xs):
    return "%.1f" % (statistics.median(xs) * 1e3)


def overhead(env, d, url):
    doc = data(40)
    question = "Why can't these instances reach the internet?"
    walls, masks, unmasks, curls, awsmasks = [], [], [], [], []
    body = None
    for i in range(N):
        t0 = time.time()
        r = subprocess.run([TOOL, "-v", "--no-cache", "--no-stream", question],
                           input=doc.encode(), env=env, capture_output=True)
        walls.append(time.time() - t0)
        if r.returncode:
            sys.exit("awsmask-claude failed: %s" % r.stderr.decode()[-500:])
        err = r.stderr.decode()
        m = re.search(r"masked \d+ identifiers? in ([0-9.]+) ms; sent; "
                      r"unmasked in ([0-9.]+) ms", err)
        masks.append(float(m.group(1)) / 1e3)
        unmasks.append(float(m.group(2)) / 1e3)
    reqs = sorted(os.listdir(os.path.join(d, "requests")))
    body = os.path.join(d, "requests", [x for x in reqs if x.endswith(".body")][-1])
    for i in range(N):
        t0 = time.time()
        subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", "x-api-key: " + KEY,
                        "-H", "anthropic-version: 2023-06-01",
                        "-H", "content-type: application/json",
                        "--data-binary", "@" + body, url + "/v1/messages"],
                       check=True, env=env)
        curls.append(time.time() - t0)
        t0 = time.time()
        subprocess.run([MASK], input=doc.encode(), env=env, check=True,
                       stdout=subprocess.DEVNULL)
        awsmasks.append(time.time() - t0)
    ids = len(re.findall(r'"(?:i|ami|vpc|subnet|sg)-0|"10\.|"1234567890', doc))
    print("awsmask-claude, %d requests of %d bytes (%d identifiers), medians:"
          % (N, len(doc), ids))
    print("  masking the request + scanning it again   %8s ms" % ms(masks))
    print("  unmasking the answer                      %8s ms" % ms(unmasks))
    print("  whole run (process, store, HTTP, output)  %8s ms" % ms(walls))
    print("  yardstick: curl POSTing the masked body   %8s ms" % ms(curls))
    print("  yardstick: awsmask on the same input      %8s ms" % ms(awsmasks))
    print("  tool overhead over curl                   %8.1f ms" %
          ((statistics.median(walls) - statistics.median(curls)) * 1e3))


def read_timed(cmd, env, stdin_data):
    """Run cmd, returning [(time, bytes)] as stdout arrives."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    p.stdin.write(stdin_data)
    p.stdin.close()
    fd = p.stdout.fileno()
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        chunks.append((time.time(), b))
    p.wait()
    return chunks


def arrival(chunks, nbytes):
    """When the output first held nbytes bytes."""
    n = 0
    for t, b in chunks:
        n += len(b)
        if n >= nbytes:
            return t
    return None


def latency(env, d, url):
    # The answer: words and tokens, some cut across deltas.
    prompt = ("i-0abc12de34f567890 in vpc-0a1b2c3d4e5f67890 with 10.0.1.23, "
              "sg-0123456789abcdef0 and subnet-0123456789abcdef0")
    subprocess.run([TOOL, "--dry-run", prompt], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    words = ("EC2_001 sits in VPC_001 behind SG_001; its address "
             "PRIVATE_IP_001 in SUBNET_001 has no route to an internet "
             "gateway, so the instance EC2_001 cannot reach out. ") * 3
    deltas = [words[i:i + 8] for i in range(0, len(words), 8)][:60]
    text = "".join(deltas)
    prefixes = []
    for i in range(len(deltas)):
        pre = "".join(deltas[:i + 1])
        r = subprocess.run([UNMASK, "-q", "--format", "text"],
                           input=pre.encode(), env=env, capture_output=True)
        prefixes.append(len(r.stdout))

    def run(cmd, stream_bytes):
        """Per delta: (sent -> first output after it, if before the next
        delta; sent -> its whole text on stdout)."""
        sent = os.path.join(d, "sent.log")
        if os.path.exists(sent):
            os.remove(sent)
        plan(d, {"text": text, "delta": 8, "delta_delay": 0.03,
                 "stream": True})
        chunks = read_timed(cmd, env, b"")
        times = [float(l.split(" ", 1)[0]) for l in open(sent)]
        first, whole, held = [], [], 0
        for i, t in enumerate(times):
            nxt = times[i + 1] if i + 1 < len(times) else float("inf")
            out = [c for c, _ in chunks if t <= c < nxt]
            if out:
                first.append(out[0] - t)
            else:
                held += 1
            a = arrival(chunks, stream_bytes(i))
            if a is not None:
                whole.append(a - t)
            if os.environ.get("BENCH_DEBUG"):
                print("%3d %-10r %7.2f ms" % (i, deltas[i],
                                              ((a or t) - t) * 1e3))
        return first, whole, held

    tool = [TOOL, "--stream", "--no-cache", prompt]
    tf, tw, th = run(tool, lambda i: prefixes[i])
    # curl: the raw stream; a delta is out when its event's bytes are.
    body = json.dumps({"model": "m", "max_tokens": 10, "stream": True,
                       "messages": [{"role": "user", "content": "x"}]})
    events = []
    for i in range(len(deltas)):
        events.append(len(("event: content_block_delta\ndata: %s\n\n" % json.dumps(
            {"type": "content_block_delta", "index": 0,
             "delta": {"type": "text_delta", "text": deltas[i]}})).encode()))
    head = [0]

    def curl_bytes(i):
        return head[0] + sum(events[:i + 1])
    # The bytes before the first delta: message_start, ping, block start.
    msg = {"id": "msg_mock_000", "type": "message", "role": "assistant",
           "model": "m", "content": [], "stop_reason": None,
           "stop_sequence": None,
           "usage": {"input_tokens": len(body) // 4, "output_tokens": 1}}
    for name, obj in (("message_start", {"type": "message_start", "message": msg}),
                      ("ping", {"type": "ping"}),
                      ("content_block_start", {"type": "content_block_start",
                                               "index": 0, "content_block":
                                               {"type": "text", "text": ""}})):
        head[0] += len(("event: %s\ndata: %s\n\n" % (name, json.dumps(obj))).encode())
    curl = ["curl", "-sN", "-H", "x-api-key: " + KEY,
            "-H", "anthropic-version: 2023-06-01",
            "-H", "content-type: application/json",
            "--data-binary", body, url + "/v1/messages"]
    cf, cw, ch = run(curl, curl_bytes)
    print("streaming latency, from a delta sent to its text on stdout "
          "(%d deltas, 30 ms apart):" % len(deltas))

    def line(label, xs):
        if not xs:
            return
        xs = sorted(xs)
        print("  %-46s median %6.2f ms, p95 %6.2f ms, max %6.2f ms" % (
            label, statistics.median(xs) * 1e3,
            xs[min(len(xs) - 1, int(len(xs) * 0.95))] * 1e3, xs[-1] * 1e3))
    line("awsmask-claude, to the first byte it shows", tf)
    line("awsmask-claude, to the delta's whole text", tw)
    print("  %-46s %d of %d (a tail that may begin a token waits)" % (
        "awsmask-claude, deltas held back whole", th, len(deltas)))
    line("yardstick: curl -N, to the delta's bytes", cw)


def main():
    if not os.access(TOOL, os.X_OK):
        sys.exit("bench/claude.py: build first (make)")
    if not shutil.which("curl"):
        print("awsmask-claude bench: curl is not installed, skipped")
        return
    d = tempfile.mkdtemp(prefix="bench-claude.")
    env = dict(os.environ)
    for k in list(env):
        if k.startswith(("AWSMASK_", "REDIS_", "ANTHROPIC_", "MASKING_")):
            del env[k]
    env["XDG_STATE_HOME"] = os.path.join(d, "state")
    env["ANTHROPIC_API_KEY"] = KEY
    p, url = start_mock(d)
    env["ANTHROPIC_BASE_URL"] = url
    try:
        overhead(env, d, url)
        latency(env, d, url)
    finally:
        p.terminate()
        p.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
