#!/usr/bin/env python3
"""redis-cut.py PORTFILE REDISPORT PATTERN: a proxy in front of a Redis
on 127.0.0.1:REDISPORT that cuts the connection at a chosen command.

It listens on a free port of 127.0.0.1 (written to PORTFILE once it
accepts) and relays both ways until the client's bytes match PATTERN (a
Python regular expression over the RESP a command is sent as).  From
then on the client's commands still reach Redis, but no reply comes
back: the proxy closes the client's connection once the command has
gone through, and refuses any later one.  So the client has sent a
pipeline and loses the connection before it reads the replies.  It
exits when the client has gone.
"""
import os
import re
import socket
import sys
import threading
import time

portfile, rport, pattern = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pat = re.compile(pattern.encode(), re.S)
cut = threading.Event()


def up(c, r):
    seen = b""
    while True:
        try:
            data = c.recv(65536)
        except OSError:
            data = b""
        if not data:
            break
        seen = (seen + data)[-4096:]
        r.sendall(data)
        if pat.search(seen):
            cut.set()
            break
    for s in (c, r):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def down(c, r):
    while not cut.is_set():
        try:
            data = r.recv(65536)
        except OSError:
            break
        if not data or cut.is_set():
            break
        try:
            c.sendall(data)
        except OSError:
            break


def main():
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    ls.settimeout(0.2)
    threads = []
    deadline = time.time() + 60
    while not cut.is_set() and time.time() < deadline:
        if threads and not any(t.is_alive() for t in threads):
            break
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        r = socket.create_connection(("127.0.0.1", rport))
        t1 = threading.Thread(target=up, args=(c, r), daemon=True)
        t2 = threading.Thread(target=down, args=(c, r), daemon=True)
        t1.start()
        t2.start()
        threads += [t1, t2]
    ls.close()
    for t in threads:
        t.join(5)


main()
