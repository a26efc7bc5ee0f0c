# A small app served from a sandbox for the preview tests: it sets a cookie of its own (with a
# Domain), echoes the cookies it receives, redirects to an absolute path, streams, keeps silent on
# request, and answers a WebSocket handshake (then echoes what it gets). Standard library only.
import base64
import hashlib
import http.server
import socketserver
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class App(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send_text(self, status, text, headers=()):
        body = text.encode()
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.headers.get("upgrade", "").lower() == "websocket":
            accept = base64.b64encode(hashlib.sha1((self.headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
            self.send_response(101)
            self.send_header("upgrade", "websocket")
            self.send_header("connection", "Upgrade")
            self.send_header("sec-websocket-accept", accept)
            self.end_headers()
            self.wfile.flush()
            # Echo raw frames back, server frames unmasked: enough for one short text message.
            header = self.rfile.read(2)
            length = header[1] & 0x7F
            mask = self.rfile.read(4)
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
            self.wfile.write(bytes([0x81, len(data)]) + data)
            self.wfile.flush()
            return
        if self.path == "/":
            self.send_text(200, "hello from the sandbox", [("set-cookie", "sid=abc; Domain=example.org; Path=/; HttpOnly")])
        elif self.path == "/echo":
            self.send_text(200, "cookie=" + self.headers.get("cookie", ""))
        elif self.path == "/go":
            self.send_text(302, "", [("location", "/login")])
        elif self.path.startswith("/silent/"):
            # Says nothing for that many seconds, then answers: an app stuck on a slow query.
            time.sleep(float(self.path[8:]))
            self.send_text(200, "finally")
        elif self.path.startswith("/stall/"):
            # Starts an answer, then says nothing more for that many seconds.
            self.send_response(200)
            self.send_header("content-length", "20")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            time.sleep(float(self.path[7:]))
            self.wfile.write(b"0123456789")
        elif self.path.startswith("/big/"):
            size = int(self.path[5:])
            self.send_response(200)
            self.send_header("content-length", str(size))
            self.end_headers()
            chunk = b"x" * 65536
            while size > 0:
                self.wfile.write(chunk[: min(size, len(chunk))])
                size -= len(chunk)
        else:
            self.send_text(404, "no such page")

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        self.send_text(200, "got %d bytes" % len(self.rfile.read(length)))

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


Server(("0.0.0.0", 5000), App).serve_forever()
