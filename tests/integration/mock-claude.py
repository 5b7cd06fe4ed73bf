#!/usr/bin/env python3
"""A mock of the Claude Messages API, for the tests: loopback only.

    mock-claude.py DIR [KEY]

Listens on 127.0.0.1, on a port the kernel picks, and writes that port
to DIR/port once it accepts connections.  Only POST /v1/messages exists;
it also answers as an HTTP proxy would (POST http://any-host/v1/messages),
so that tests can check that proxy variables are honoured.

Every request is recorded before anything else happens: DIR/requests/
NNN.body holds its body as received, NNN.headers its request line and
headers.  Tests check those files for originals that must never leave.

It answers like the real API (anthropic-version 2023-06-01):
- a request without x-api-key, or with a key other than KEY (when
  given), gets 401 authentication_error; a body that is not JSON, or
  lacks model, max_tokens or messages, gets 400 invalid_request_error;
- otherwise the next plan, the first file (in name order) in DIR/plan/,
  is taken (moved to DIR/plan/done/) and followed; with no plan left it
  echoes: the answer's text is the text of the last user message, as it
  came (masked), streamed as server-sent events when the request asked
  for "stream": true, else one JSON message.

A plan is a JSON object; every key is optional:
  status      HTTP status (200)
  headers     extra response headers, e.g. {"retry-after": "0"}
  error       for a status >= 400: {"type": ..., "message": ...}
  text        the answer's text, instead of the echo
  tool_use    add a tool_use block {"name": ..., "input": ...}; an input
              of "tokens" becomes {"tokens": [every token the request
              holds], "note": "<them, joined by spaces>"}
  stream      true/false: answer as SSE or JSON, whatever was asked
  delta       bytes of text per text_delta (and of JSON per
              input_json_delta); default 7
  split_every the text goes out len-1 times, as blocks cut in two
              deltas at every byte (1, 2, ..., len-1)
  chunk       write the SSE bytes in writes of this many bytes
  delta_delay seconds between deltas; each delta's send time is logged
              to DIR/sent.log as "<epoch seconds> <text>"
  drop_after  close the connection after this many events
  chunked     send the stream with chunked encoding (a drop then loses
              the final chunk, which clients see as an error)
  error_event {"type": ..., "message": ...}: an error event after
              error_after events (default 2), then the stream ends
  stall       seconds to wait before answering at all
  body        raw body to send as it is (with status and content_type)
"""

import json
import os
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
KEY = sys.argv[2] if len(sys.argv) > 2 else None
LOCK = threading.Lock()
COUNT = [0]
TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:_[A-Z][A-Z0-9]*)*_[0-9]{3,20}(?![A-Za-z0-9])")


def next_plan():
    pdir = os.path.join(DIR, "plan")
    with LOCK:
        try:
            names = sorted(n for n in os.listdir(pdir) if n.endswith(".json"))
        except FileNotFoundError:
            return {}
        if not names:
            return {}
        path = os.path.join(pdir, names[0])
        with open(path) as f:
            plan = json.load(f)
        os.makedirs(os.path.join(pdir, "done"), exist_ok=True)
        os.rename(path, os.path.join(pdir, "done", names[0]))
        return plan


def user_text(req):
    """The text of the last user message: a string, or its text blocks."""
    for m in reversed(req.get("messages", [])):
        if m.get("role") != "user":
            continue
        c = m.get("content")
        if isinstance(c, str):
            return c
        parts = []
        for b in c or []:
            if b.get("type") == "text":
                parts.append(b.get("text", ""))
            elif b.get("type") == "tool_result":
                rc = b.get("content")
                if isinstance(rc, str):
                    parts.append(rc)
                else:
                    parts += [x.get("text", "") for x in rc or []
                              if x.get("type") == "text"]
        return "\n".join(parts)
    return ""


def pieces(s, n):
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.fail(404, "not_found_error", "Not found")

    def fail(self, status, etype, message, headers=None):
        body = json.dumps({"type": "error",
                           "error": {"type": etype, "message": message},
                           "request_id": "req_mock"}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.send_header("request-id", "req_mock_%03d" % COUNT[0])
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        rdir = os.path.join(DIR, "requests")
        with LOCK:
            # Numbered from 1 in the folder, which tests empty at will.
            os.makedirs(rdir, exist_ok=True)
            num = sum(1 for n in os.listdir(rdir) if n.endswith(".body")) + 1
            COUNT[0] = num
            with open(os.path.join(rdir, "%03d.body" % num), "wb") as f:
                f.write(body)
        with open(os.path.join(rdir, "%03d.headers" % num), "w") as f:
            f.write(self.requestline + "\n")
            for k, v in self.headers.items():
                f.write("%s: %s\n" % (k, v))
        # As a proxy, it is sent the absolute form: http://host/v1/messages.
        path = re.sub(r"^[a-z]+://[^/]*", "", self.path)
        if path != "/v1/messages":
            return self.fail(404, "not_found_error", "Not found")
        key = self.headers.get("x-api-key")
        if not key or (KEY is not None and key != KEY):
            return self.fail(401, "authentication_error", "invalid x-api-key")
        if self.headers.get("anthropic-version") != "2023-06-01":
            return self.fail(400, "invalid_request_error",
                             "anthropic-version: header is required")
        try:
            req = json.loads(body)
        except ValueError:
            return self.fail(400, "invalid_request_error",
                             "The request body is not valid JSON")
        for field in ("model", "max_tokens", "messages"):
            if field not in req:
                return self.fail(400, "invalid_request_error",
                                 "%s: Field required" % field)
        plan = next_plan()
        if plan.get("stall"):
            time.sleep(plan["stall"])
        status = plan.get("status", 200)
        if "body" in plan:
            data = plan["body"].encode()
            self.send_response(status)
            self.send_header("content-type",
                             plan.get("content_type", "application/json"))
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if status >= 400:
            err = plan.get("error", {"type": "api_error",
                                     "message": "Internal server error"})
            return self.fail(status, err["type"], err["message"],
                             plan.get("headers"))
        text = plan.get("text", user_text(req))
        blocks = []
        if plan.get("split_every"):
            for k in range(1, len(text)):
                blocks.append(("text", text, [text[:k], text[k:]]))
        else:
            blocks.append(("text", text, pieces(text, plan.get("delta", 7))))
        tool = plan.get("tool_use")
        if tool:
            inp = tool.get("input", {})
            if inp == "tokens":
                toks = TOKEN.findall(body.decode("utf-8", "replace"))
                inp = {"tokens": toks, "note": " ".join(toks)}
            blocks.append(("tool_use", {"type": "tool_use",
                                        "id": "toolu_mock_%03d" % num,
                                        "name": tool.get("name", "tool"),
                                        "input": inp},
                           pieces(json.dumps(inp), plan.get("delta", 7))))
        stream = plan.get("stream", req.get("stream", False))
        message = {"id": "msg_mock_%03d" % num, "type": "message",
                   "role": "assistant", "model": req["model"],
                   "content": [], "stop_reason": None,
                   "stop_sequence": None,
                   "usage": {"input_tokens": len(body) // 4,
                             "output_tokens": 1}}
        stop = "tool_use" if tool else "end_turn"
        if not stream:
            content = []
            for kind, what, _ in blocks:
                content.append({"type": "text", "text": what}
                               if kind == "text" else what)
            message.update(content=content, stop_reason=stop)
            message["usage"]["output_tokens"] = len(text) // 4 + 1
            data = json.dumps(message).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", "req_mock_%03d" % num)
            for k, v in plan.get("headers", {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            return
        self.stream(plan, message, blocks, stop)

    def stream(self, plan, message, blocks, stop):
        chunked = plan.get("chunked", False)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", "req_mock_stream")
        if chunked:
            self.send_header("transfer-encoding", "chunked")
        else:
            self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = plan.get("chunk")
        drop = plan.get("drop_after")
        err = plan.get("error_event")
        err_after = plan.get("error_after", 2)
        delay = plan.get("delta_delay", 0)
        sent = [0]
        log = open(os.path.join(DIR, "sent.log"), "a") if delay else None

        def raw(data):
            if chunked:
                data = b"%x\r\n%s\r\n" % (len(data), data)
            if chunk:
                for i in range(0, len(data), chunk):
                    self.wfile.write(data[i:i + chunk])
                    self.wfile.flush()
            else:
                self.wfile.write(data)
                self.wfile.flush()

        def event(name, obj, note=None):
            if drop is not None and sent[0] >= drop:
                raise ConnectionAbortedError
            if err and sent[0] == err_after:
                raw(("event: error\ndata: %s\n\n" % json.dumps(
                    {"type": "error", "error": err})).encode())
                raise ConnectionAbortedError
            if note is not None and log:
                time.sleep(delay)
                log.write("%.6f %s\n" % (time.time(), json.dumps(note)))
                log.flush()
            raw(("event: %s\ndata: %s\n\n" % (name, json.dumps(obj))).encode())
            sent[0] += 1

        try:
            event("message_start", {"type": "message_start",
                                    "message": message})
            event("ping", {"type": "ping"})
            for i, (kind, what, parts) in enumerate(blocks):
                start = ({"type": "text", "text": ""} if kind == "text"
                         else dict(what, input={}))
                event("content_block_start", {"type": "content_block_start",
                                              "index": i,
                                              "content_block": start})
                for p in parts:
                    delta = ({"type": "text_delta", "text": p}
                             if kind == "text" else
                             {"type": "input_json_delta", "partial_json": p})
                    event("content_block_delta",
                          {"type": "content_block_delta", "index": i,
                           "delta": delta}, p if kind == "text" else None)
                event("content_block_stop", {"type": "content_block_stop",
                                             "index": i})
            event("message_delta", {"type": "message_delta",
                                    "delta": {"stop_reason": stop,
                                              "stop_sequence": None},
                                    "usage": {"output_tokens": 42}})
            event("message_stop", {"type": "message_stop"})
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (ConnectionAbortedError, BrokenPipeError,
                ConnectionResetError):
            pass
        finally:
            if log:
                log.close()
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, os.path.join(DIR, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
