# A visit counter: every visit adds one to "hits" in Redis and shows the total.
import os
import signal
import sys
import time

from flask import Flask
from redis import Redis
from redis.exceptions import ConnectionError

app = Flask(__name__)
# REDIS_HOST comes from compose.yaml: the name of the Redis service.
cache = Redis(host=os.environ.get("REDIS_HOST", "localhost"), port=6379)


def count_visit():
    # Redis may still be starting up: try a few times before giving up.
    for attempt in range(5):
        try:
            return cache.incr("hits")
        except ConnectionError:
            if attempt == 4:
                raise
            time.sleep(0.5)


@app.route("/")
def index():
    visits = count_visit()
    times = "time" if visits == 1 else "times"
    return f"Hello from Compose! This page has been visited {visits} {times}.\n"


if __name__ == "__main__":
    # Stop at once when Docker asks us to (lesson 8 explains why this line matters).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app.run(host="0.0.0.0", port=5000)
