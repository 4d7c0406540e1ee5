#!/usr/bin/env python3
"""https_server.py - a real HTTPS server on 127.0.0.1 for mailprov's tests.

    https_server.py CERT KEY DOCROOT POSTDIR [--http] [--port N] [--lifetime S]

Prints the port it listens on (the kernel picks it unless --port), then
serves:
  GET /NAME   DOCROOT/NAME, with an ETag (sha256 of the body) and
              Last-Modified; If-None-Match with that ETag gives 304.
              If DOCROOT/FAIL exists, every request gets 500.
              If DOCROOT/REDIRECT exists, it holds a Location to send (302).
  POST /...   the body is stored in POSTDIR/NNNNNN.json, answer 201.
              If POSTDIR/DOWN exists, answer 503 instead.
It stops by itself after --lifetime seconds (default 120).
"""
import hashlib
import http.server
import os
import ssl
import sys
import threading
import time


def main():
    args = sys.argv[1:]
    plain = "--http" in args
    lifetime = 120
    port = 0
    if "--lifetime" in args:
        lifetime = int(args[args.index("--lifetime") + 1])
    if "--port" in args:
        port = int(args[args.index("--port") + 1])
    cert, key, docroot, postdir = [a for a in args if not a.startswith("--")
                                   and not a.isdigit()][:4]
    counter = {"n": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if os.path.exists(os.path.join(docroot, "FAIL")):
                self.send_error(500)
                return
            redir = os.path.join(docroot, "REDIRECT")
            if os.path.exists(redir):
                with open(redir) as f:
                    self.send_response(302)
                    self.send_header("Location", f.read().strip())
                    self.end_headers()
                return
            path = os.path.join(docroot, os.path.basename(self.path))
            if not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as f:
                body = f.read()
            etag = '"%s"' % hashlib.sha256(body).hexdigest()
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", self.date_time_string(
                int(os.path.getmtime(path))))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            if os.path.exists(os.path.join(postdir, "DOWN")):
                self.send_error(503)
                return
            with lock:
                counter["n"] += 1
                name = os.path.join(postdir, "%06d.json" % counter["n"])
            with open(name + ".tmp", "wb") as f:
                f.write(body)
            os.rename(name + ".tmp", name)
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    http.server.ThreadingHTTPServer.allow_reuse_address = True
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    if not plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.handle_error = lambda *a: None  # a client that hangs up is fine
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    time.sleep(lifetime)


if __name__ == "__main__":
    main()
