#!/usr/bin/env python3
"""pageserver.py: a scriptable HTTP/1.1 server for sitewatch's integration tests.

Usage:
    pageserver.py PORT            listen on 127.0.0.1:PORT
    pageserver.py --port 0        let the kernel choose the port
    pageserver.py ... --verbose   log each request on stderr
    pageserver.py ... --tls CERT KEY
                                  also serve the same pages over HTTPS on a
                                  second port the kernel chooses (certificate
                                  and key in PEM files)

The first line on stdout is always the port listened on (flushed at once),
so a test can start it with --port 0 and read the port back; with --tls
the second line is the HTTPS port. SIGTERM or
SIGINT stops it with status 0, even while requests hang. Standard library
only; binds 127.0.0.1 and nothing else.

Pages
-----
No page exists at start: every path answers 404 until it is set. A page is
served for GET and HEAD at its path (the query string is ignored). Its
fields, all optional in a "set" request:

    body                str    the body, UTF-8 encoded             ("")
    body_b64            str    the body as base64, for binary data; wins
                               over body
    content_type        str    Content-Type              ("text/html; charset=utf-8")
    headers             object extra response headers, {"Name": "value"}
    status              int    the status answered                 (200)
    last_modified       str    Last-Modified, sent verbatim, or null (null)
    etag                str    ETag, sent verbatim (quotes included:
                               "\\"v1\\""), or null                 (null)
    gzip                bool   gzip the body (Content-Encoding: gzip) when
                               the request's Accept-Encoding has gzip (false)
    etag_every_request  bool   a new ETag on every response, same body; it is
                               the etag (or "e") with "-N" added (false)
    chunked_infinite    bool   answer 200 with a chunked body that repeats the
                               body (or "x") until the client goes away or
                               chunked_limit bytes are sent          (false)
    chunked_limit       int    the cap for chunked_infinite      (1 GiB)
    hang                bool   read the request, never answer, return when the
                               client closes                         (false)
    redirect            str    answer 302 (or status, if it is 3xx) with this
                               Location                              (null)
    slow                number seconds to sleep before answering      (0)

Conditional GET: 304 with no body when If-None-Match holds the current ETag
(one of its comma-separated entries, or "*"), or, when the request has no
If-None-Match, when If-Modified-Since equals the current Last-Modified
string exactly. Only pages whose status is 200 answer 304.

Control API
-----------
Under /_ctl/; bodies are JSON; every answer is JSON. Control requests are
not counted in the stats.

    POST /_ctl/set      {"path": "/a", ...page fields...}
                        create or replace the page at path: fields left out
                        take their defaults, they are not kept from before.
                        Answers {"ok": true}.
    POST /_ctl/delete   {"path": "/a"}       the path answers 404 again.
    GET  /_ctl/stats    {"counts": {"/a": 2},
                         "requests": [{"method": "GET", "path": "/a",
                                       "query": "", "if_none_match": null,
                                       "if_modified_since": null,
                                       "accept_encoding": "gzip",
                                       "status": 200, "time": 1.7e9},
                                      ...]}
                        time is when the request came (Unix time).
                        over HTTPS an entry also has "tls_resumed":
                        whether the client resumed a TLS session.
                        status is null while a request is still unanswered
                        (hang, slow) and stays null for hang.
    POST /_ctl/reset    {} clears the stats; {"pages": true} also removes
                        every page.

Examples:
    curl -s -d '{"path":"/a","body":"v1","etag":"\\"1\\""}' \\
        http://127.0.0.1:$PORT/_ctl/set
    curl -s http://127.0.0.1:$PORT/a
    curl -s http://127.0.0.1:$PORT/_ctl/stats
    curl -s -d '{}' http://127.0.0.1:$PORT/_ctl/reset
"""

import argparse
import base64
import gzip
import json
import select
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Defaults of a page; "set" starts from a copy of these.
PAGE_DEFAULTS = {
    "body": "",
    "body_b64": None,
    "content_type": "text/html; charset=utf-8",
    "headers": {},
    "status": 200,
    "last_modified": None,
    "etag": None,
    "gzip": False,
    "etag_every_request": False,
    "chunked_infinite": False,
    "chunked_limit": 1 << 30,
    "hang": False,
    "redirect": None,
    "slow": 0,
}

CHUNK = 64 * 1024


class State:
    """The pages and the request log, shared by every handler thread.

    Every access goes through self.lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pages = {}
        self.requests = []
        self.counts = {}
        self.etag_serial = 0

    def set_page(self, spec):
        """Create or replace the page described by spec (a dict).

        Raises ValueError on an unknown field or a missing path."""
        path = spec.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError("path must be a string starting with /")
        unknown = set(spec) - set(PAGE_DEFAULTS) - {"path"}
        if unknown:
            raise ValueError("unknown fields: " + ", ".join(sorted(unknown)))
        page = dict(PAGE_DEFAULTS)
        page.update({k: v for k, v in spec.items() if k != "path"})
        if page["body_b64"] is not None:
            page["body"] = base64.b64decode(page["body_b64"])
        else:
            page["body"] = page["body"].encode("utf-8")
        with self.lock:
            self.pages[path] = page

    def log_request(self, handler, path, query):
        """Count a request and append it to the log.

        Returns the log entry, whose status the handler fills in later."""
        h = handler.headers
        entry = {
            "method": handler.command,
            "path": path,
            "query": query,
            "if_none_match": h.get("If-None-Match"),
            "if_modified_since": h.get("If-Modified-Since"),
            "accept_encoding": h.get("Accept-Encoding"),
            "status": None,
            "time": time.time(),
        }
        conn = handler.connection
        if isinstance(conn, ssl.SSLSocket):
            entry["tls_resumed"] = conn.session_reused
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            self.requests.append(entry)
        return entry

    def next_etag(self, base):
        """Make a fresh ETag from base, for etag_every_request.

        Returns a quoted ETag that no earlier response carried."""
        with self.lock:
            self.etag_serial += 1
            n = self.etag_serial
        return '"%s-%d"' % ((base or "e").strip('"'), n)


STATE = State()


def not_modified(page, etag, inm, ims):
    """Decide whether a conditional GET gets a 304.

    inm/ims are the request's If-None-Match / If-Modified-Since or None."""
    if page["status"] != 200:
        return False
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return etag is not None and ("*" in tags or etag in tags)
    return ims is not None and ims == page["last_modified"]


class Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests: control API or pages."""

    protocol_version = "HTTP/1.1"
    server_version = "pageserver/1"
    verbose = False

    def log_message(self, format, *args):  # noqa: A002 (base class name)
        """Log a request on stderr only with --verbose.

        The base class would print every request."""
        if self.verbose:
            super().log_message(format, *args)

    def send_json(self, obj, status=200):
        """Answer with obj as a JSON body.

        Used by every control endpoint."""
        data = json.dumps(obj).encode("utf-8") + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        """Read the request body as a JSON object.

        Returns {} for an empty body; raises ValueError on bad JSON."""
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        obj = json.loads(raw) if raw.strip() else {}
        if not isinstance(obj, dict):
            raise ValueError("body must be a JSON object")
        return obj

    def control(self, path):
        """Serve one /_ctl/ request.

        Answers 400 with {"error": ...} on a bad request."""
        if path not in ("/_ctl/stats", "/_ctl/set", "/_ctl/delete",
                        "/_ctl/reset"):
            return self.send_json({"error": "no such control"}, 404)
        try:
            if path == "/_ctl/stats" and self.command == "GET":
                with STATE.lock:
                    out = {"counts": dict(STATE.counts),
                           "requests": [dict(r) for r in STATE.requests]}
                return self.send_json(out)
            if self.command != "POST":
                raise ValueError("use POST for " + path)
            args = self.read_json()
            if path == "/_ctl/set":
                STATE.set_page(args)
            elif path == "/_ctl/delete":
                with STATE.lock:
                    STATE.pages.pop(args.get("path"), None)
            elif path == "/_ctl/reset":
                with STATE.lock:
                    STATE.requests.clear()
                    STATE.counts.clear()
                    if args.get("pages"):
                        STATE.pages.clear()
            else:
                raise ValueError("use GET for " + path)
            return self.send_json({"ok": True})
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            return self.send_json({"error": str(e)}, 400)

    def do_GET(self):
        """Dispatch a GET: control API or page.

        HEAD goes through here too, without the body."""
        url = urlsplit(self.path)
        if url.path.startswith("/_ctl/"):
            return self.control(url.path)
        entry = STATE.log_request(self, url.path, url.query)
        with STATE.lock:
            page = STATE.pages.get(url.path)
        if page is None:
            entry["status"] = 404
            return self.send_plain(404, b"not found\n")
        if page["slow"]:
            time.sleep(float(page["slow"]))
        if page["hang"]:
            return self.hang()
        entry["status"] = self.serve_page(page)

    def do_HEAD(self):
        """HEAD: the same headers as GET, no body.

        send_body() checks self.command."""
        self.do_GET()

    def do_POST(self):
        """POST only exists for the control API.

        Anything else answers 405."""
        url = urlsplit(self.path)
        if url.path.startswith("/_ctl/"):
            return self.control(url.path)
        self.send_plain(405, b"method not allowed\n")

    def send_plain(self, status, body):
        """Answer status with a small text/plain body.

        Returns status, for the request log."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.send_body(body)
        return status

    def send_body(self, body):
        """Write body unless this is a HEAD request.

        The headers have already been sent."""
        if self.command != "HEAD":
            self.wfile.write(body)

    def serve_page(self, page):
        """Answer a page request according to the page's mode.

        Returns the status answered."""
        etag = page["etag"]
        if page["etag_every_request"]:
            etag = STATE.next_etag(etag)
        if page["redirect"] is not None:
            status = page["status"] if 300 <= page["status"] < 400 else 302
            self.send_response(status)
            self.send_header("Location", page["redirect"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return status
        if page["chunked_infinite"]:
            return self.stream(page)

        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        status = 304 if not_modified(page, etag, inm, ims) else page["status"]
        body = page["body"]
        self.send_response(status)
        if etag is not None:
            self.send_header("ETag", etag)
        if page["last_modified"] is not None:
            self.send_header("Last-Modified", page["last_modified"])
        for name, value in page["headers"].items():
            self.send_header(name, value)
        if status == 304:
            self.end_headers()
            return status
        if page["gzip"]:
            self.send_header("Vary", "Accept-Encoding")
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Type", page["content_type"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.send_body(body)
        return status

    def stream(self, page):
        """Send a chunked 200 body that goes on until the client leaves.

        Stops after chunked_limit bytes, so it always ends. Returns 200."""
        self.send_response(200)
        self.send_header("Content-Type", page["content_type"])
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return 200
        piece = page["body"] or b"x"
        data = (piece * (CHUNK // len(piece) + 1))[:CHUNK]
        chunk = b"%x\r\n%s\r\n" % (len(data), data)
        sent = 0
        try:
            while sent < int(page["chunked_limit"]):
                self.wfile.write(chunk)
                sent += len(data)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        return 200

    def hang(self):
        """Keep the request unanswered until the client closes.

        Polls the socket so the thread ends when the peer goes away."""
        self.close_connection = True
        sock = self.connection
        while True:
            ready, _, _ = select.select([sock], [], [], 0.1)
            if not ready:
                continue
            try:
                if not sock.recv(4096):
                    return
            except OSError:
                return


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer whose threads never keep the process alive.

    A client that goes away mid-answer is not worth a traceback."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        """Ignore clients that hang up; report anything else.

        Called by socketserver from inside an except block."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError,
                            socket.timeout, ssl.SSLError)):
            return
        super().handle_error(request, client_address)


def main():
    """Parse the command line, print the port and serve until signalled.

    Exits 0 on SIGTERM or SIGINT."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", nargs="?", type=int)
    ap.add_argument("--port", dest="port_opt", type=int)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()
    port = args.port_opt if args.port_opt is not None else args.port
    if port is None:
        ap.error("a port is required (0 lets the kernel choose)")
    Handler.verbose = args.verbose

    def stop(signum, frame):
        """Leave serve_forever() by raising SystemExit in the main thread.

        Handler threads are daemons and die with the process."""
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = Server(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        tls = Server(("127.0.0.1", 0), Handler)
        # The handshake runs in the handler's thread, not in accept().
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True,
                                     do_handshake_on_connect=False)
        print(tls.server_address[1], flush=True)
        threading.Thread(target=tls.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
