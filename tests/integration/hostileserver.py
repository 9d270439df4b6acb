#!/usr/bin/env python3
"""hostileserver.py: a hostile and broken HTTP server for sitewatch's tests.

Usage:
    hostileserver.py --port 0     listen on 127.0.0.1, the kernel chooses

Prints two lines on stdout at start (flushed): the HTTP port, then the
port of a "TLS" listener that accepts connections and never says a word
(a https:// URL on it stalls in the handshake; its connections are in the
stats as path "(tls)"). SIGTERM or SIGINT stops
it with status 0. Standard library only; binds 127.0.0.1 only.

Every path is one behaviour; the answer is written by hand on the socket,
so that it can be as wrong as a real server's:

    /ok              200, a constant body (see /_ctl/ok), a Last-Modified
    /drip            200, Content-Length 1000000, one byte every 0.2 s
    /stall           reads the request, never answers
    /chunked-endless 200, a chunked body that never ends
    /gzip-bomb       200, Content-Encoding gzip: zeros without end
    /deflate-bomb    the same with deflate (zlib)
    /zstd-bomb       the same with zstd (RLE blocks of 128 KiB, 4 bytes each)
    /redirect-loop   302 to itself, with a new query each time
    /redirect-file   302 to file:///etc/passwd
    /redirect-ftp    302 to ftp://127.0.0.1/x
    /redirect-endless 302 to /ok, with a chunked body that never ends
    /rst             200, Content-Length 100000; 1000 bytes, then a TCP RST
    /huge-header     200 with one 200 KiB header
    /many-headers    200 with 40 headers of 10 KiB each
    /short-cl        Content-Length 1000, 5 bytes sent, connection closed
    /long-cl         Content-Length 4, more bytes sent (a constant body)
    /flap            200 (a constant body) and 503, by turns
    /trailer         chunked, a constant body and Last-Modified header, and
                     a Last-Modified trailer that is new on every answer
    /http09          no status line: the body only (HTTP/0.9), then close
    /status99999     "HTTP/1.1 99999 Weird"
    /retry-429       429 with Retry-After: 4 (seconds)
    /retry-503-date  503 with Retry-After: an HTTP date 4 s from now
    /retry-huge      503 with Retry-After: 999999

Endless answers end anyway after 60 s or 4 GiB, whichever comes first.

Control (not counted):
    GET /_ctl/stats          {"requests": [{"path", "query", "start", "end",
                              "sent", "if_modified_since"}, ...]}: start and
                              end are Unix times (end: when the client went
                              away or the answer was done), sent the bytes
                              written after the headers
    GET /_ctl/ok?body=TEXT   the body of /ok from now on
"""
import argparse
import email.utils
import json
import select
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import zlib
from urllib.parse import parse_qs, urlsplit

LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
ENDLESS_SECONDS = 60
ENDLESS_BYTES = 4 << 30
CHUNK = 64 * 1024

lock = threading.Lock()
requests = []
counters = {}
ok_body = [b"<p>a page that stays the same</p>\n"]


def next_count(path):
    """Count one request to path; return how many there were before."""
    with lock:
        n = counters.get(path, 0)
        counters[path] = n + 1
        return n


class Handler(socketserver.StreamRequestHandler):
    """One connection, one request, one hostile answer."""

    def read_request(self):
        """Read the request line and headers; return (path, query, headers)
        or None when the client sent nothing usable."""
        line = self.rfile.readline(65536)
        parts = line.decode("latin-1").split()
        if len(parts) < 2:
            return None
        headers = {}
        while True:
            h = self.rfile.readline(65536)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        url = urlsplit(parts[1])
        return url.path, url.query, headers

    def handle(self):
        """Dispatch on the path; record the request for the stats."""
        req = self.read_request()
        if req is None:
            return
        path, query, headers = req
        if path.startswith("/_ctl/"):
            return self.control(path, query)
        self.entry = {"path": path, "query": query, "start": time.time(),
                      "end": None, "sent": 0,
                      "if_modified_since": headers.get("if-modified-since")}
        with lock:
            requests.append(self.entry)
        fn = getattr(self, "do_" + path[1:].replace("-", "_"), None)
        try:
            if fn is None:
                self.answer(404, b"not found\n")
            else:
                fn()
        except OSError:
            pass  # the client went away: that is what we wait for
        finally:
            self.entry["end"] = time.time()

    def control(self, path, query):
        """The control API: stats, and the body of /ok."""
        if path == "/_ctl/stats":
            with lock:
                body = json.dumps({"requests": requests}).encode()
        elif path == "/_ctl/ok":
            ok_body[0] = parse_qs(query).get("body", [""])[0].encode()
            body = b'{"ok": true}'
        else:
            body = b'{"error": "no such control"}'
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json"
                         b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                         % len(body) + body)

    # ---- helpers ------------------------------------------------------

    def head(self, status, reason, *headers):
        """Write a status line and headers (each "Name: value")."""
        out = "HTTP/1.1 %s %s\r\n" % (status, reason)
        out += "".join(h + "\r\n" for h in headers) + "\r\n"
        self.wfile.write(out.encode("latin-1"))

    def body(self, data):
        """Write body bytes, counted in the stats."""
        self.wfile.write(data)
        self.entry["sent"] += len(data)

    def answer(self, status, data, *headers):
        """A complete answer with a Content-Length."""
        self.head(status, "X", "Content-Length: %d" % len(data),
                  "Connection: close", *headers)
        self.body(data)

    def endless(self, pieces, chunked=True):
        """Write what pieces() yields until the client leaves (or the
        limits above are reached), as chunks when chunked."""
        t0 = time.time()
        for data in pieces():
            if (time.time() - t0 > ENDLESS_SECONDS or
                    self.entry["sent"] > ENDLESS_BYTES):
                return
            if chunked:
                self.wfile.write(b"%x\r\n" % len(data))
            self.body(data)
            if chunked:
                self.wfile.write(b"\r\n")

    def wait_close(self, seconds=ENDLESS_SECONDS):
        """Say nothing until the client closes (or seconds pass)."""
        self.connection.settimeout(seconds)
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass

    # ---- the behaviours -------------------------------------------------

    def do_ok(self):
        self.answer(200, ok_body[0], "Last-Modified: " + LAST_MODIFIED,
                    "Content-Type: text/html")

    def do_drip(self):
        self.head(200, "OK", "Content-Length: 1000000")
        for _ in range(int(ENDLESS_SECONDS / 0.2)):
            self.body(b"x")
            time.sleep(0.2)

    def do_stall(self):
        self.wait_close()

    def do_chunked_endless(self):
        self.head(200, "OK", "Transfer-Encoding: chunked")
        data = b"endless " * (CHUNK // 8)
        self.endless(lambda: iter(lambda: data, None))

    def bomb(self, encoding, compressor):
        """Zeros without end, compressed by compressor (zlib)."""
        self.head(200, "OK", "Content-Encoding: " + encoding,
                  "Transfer-Encoding: chunked")
        zeros = bytes(1 << 20)

        def pieces():
            while True:
                out = compressor.compress(zeros)
                out += compressor.flush(zlib.Z_SYNC_FLUSH)
                yield out
        self.endless(pieces)

    def do_gzip_bomb(self):
        self.bomb("gzip", zlib.compressobj(9, zlib.DEFLATED, 31))

    def do_deflate_bomb(self):
        self.bomb("deflate", zlib.compressobj(9, zlib.DEFLATED, 15))

    def do_zstd_bomb(self):
        # A zstd frame: magic, a header with no content size and a 128 KiB
        # window, then RLE blocks (type 1) of 128 KiB of zeros, 4 bytes
        # each, never the last block.
        self.head(200, "OK", "Content-Encoding: zstd",
                  "Transfer-Encoding: chunked")
        frame = struct.pack("<I", 0xFD2FB528) + bytes([0x00, 0x38])
        block = struct.pack("<I", (128 * 1024) << 3 | 1 << 1)[:3] + b"\0"
        blocks = block * 4096

        def pieces():
            yield frame
            while True:
                yield blocks
        self.endless(pieces)

    def do_redirect_loop(self):
        n = next_count("/redirect-loop")
        self.answer(302, b"", "Location: /redirect-loop?%d" % n)

    def do_redirect_file(self):
        self.answer(302, b"", "Location: file:///etc/passwd")

    def do_redirect_ftp(self):
        self.answer(302, b"", "Location: ftp://127.0.0.1/x")

    def do_redirect_endless(self):
        self.head(302, "Found", "Location: /ok", "Transfer-Encoding: chunked")
        data = b"redirect " * (CHUNK // 9)
        self.endless(lambda: iter(lambda: data, None))

    def do_rst(self):
        self.head(200, "OK", "Content-Length: 100000")
        self.body(b"r" * 1000)
        self.wfile.flush()
        # SO_LINGER with a zero timeout: close() sends a RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))

    def do_huge_header(self):
        self.answer(200, b"fine\n", "X-Huge: " + "h" * (200 * 1024))

    def do_many_headers(self):
        self.answer(200, b"fine\n", *["X-Many-%d: %s" % (i, "m" * 10240)
                                      for i in range(40)])

    def do_short_cl(self):
        self.head(200, "OK", "Content-Length: 1000", "Connection: close")
        self.body(b"short")

    def do_long_cl(self):
        self.head(200, "OK", "Content-Length: 4", "Connection: close")
        self.body(b"same and more that is not counted")

    def do_flap(self):
        if next_count("/flap") % 2 == 0:
            self.answer(200, b"<p>the flapping page</p>\n")
        else:
            self.answer(503, b"busy\n")

    def do_trailer(self):
        n = next_count("/trailer")
        self.head(200, "OK", "Transfer-Encoding: chunked",
                  "Trailer: Last-Modified", "Last-Modified: " + LAST_MODIFIED,
                  "Connection: close")
        data = b"<p>a page with a trailer</p>\n"
        self.wfile.write(b"%x\r\n%s\r\n0\r\n" % (len(data), data))
        self.entry["sent"] += len(data)
        # A new date on every answer: taken as a header, it would be sent
        # back as If-Modified-Since and stored in the row.
        trailer = "Last-Modified: Thu, 01 Jan 2026 00:%02d:%02d GMT\r\n\r\n" % (
            n // 60 % 60, n % 60)
        self.wfile.write(trailer.encode())

    def do_http09(self):
        self.body(b"<p>no status line at all</p>\n")

    def do_status99999(self):
        self.wfile.write(b"HTTP/1.1 99999 Weird\r\nContent-Length: 3\r\n"
                         b"Connection: close\r\n\r\nodd")

    def do_retry_429(self):
        self.answer(429, b"slow down\n", "Retry-After: 4")

    def do_retry_503_date(self):
        when = email.utils.formatdate(time.time() + 4, usegmt=True)
        self.answer(503, b"later\n", "Retry-After: " + when)

    def do_retry_huge(self):
        self.answer(503, b"much later\n", "Retry-After: 999999")


class Server(socketserver.ThreadingTCPServer):
    """Threads that never keep the process alive; quiet about clients
    that hang up."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def silent_listener():
    """Accept connections on a port of their own and never answer: a TLS
    client waits for the server's hello. Each connection is in the stats
    as path "(tls)", its end when the client closed it. Returns the port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    held = {}

    def loop():
        while True:
            ready, _, _ = select.select([sock] + list(held), [], [], 0.5)
            for s in ready:
                if s is sock:
                    conn, _ = sock.accept()
                    entry = {"path": "(tls)", "query": "", "start": time.time(),
                             "end": None, "sent": 0, "if_modified_since": None}
                    with lock:
                        requests.append(entry)
                    held[conn] = entry
                    continue
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    held.pop(s)["end"] = time.time()
                    s.close()
    threading.Thread(target=loop, daemon=True).start()
    return sock.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = Server(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    print(silent_listener(), flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
