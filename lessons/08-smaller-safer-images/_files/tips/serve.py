# Serves the public/ folder on port 8000, and stops cleanly when Docker asks it to.
import functools
import http.server
import signal
import sys


def stop(signum, frame):
    print(f"Got {signal.Signals(signum).name}: shutting down cleanly.", flush=True)
    sys.exit(0)


# `docker stop` sends SIGTERM: handle it by finishing at once.
signal.signal(signal.SIGTERM, stop)

handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory="public")
with http.server.ThreadingHTTPServer(("", 8000), handler) as server:
    print("Serving the tips on port 8000", flush=True)
    server.serve_forever()
