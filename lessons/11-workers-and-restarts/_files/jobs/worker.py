# A worker: takes jobs from the Redis list "jobs", one at a time, and records each one it did
# in the list "done". A job called "crash" makes it exit with an error, as a real bug would.
import os
import socket
import time

import redis

queue = redis.Redis(host=os.environ.get("QUEUE_HOST", "queue"), port=6379)
name = socket.gethostname()

# Compose starts the queue first only when depends_on says so, and even then Redis may need a
# moment before it listens: wait for it rather than crash on the first try.
for attempt in range(60):
    try:
        queue.ping()
        break
    except redis.ConnectionError:
        if attempt == 0:
            print(f"worker {name}: the queue does not answer yet, waiting for it", flush=True)
        time.sleep(0.5)
else:
    raise SystemExit(f"worker {name}: the queue never answered")

print(f"worker {name}: waiting for jobs", flush=True)
while True:
    _, job = queue.blpop("jobs")
    job = job.decode()
    if job == "crash":
        print(f"worker {name}: job 'crash' failed, exiting with an error", flush=True)
        raise SystemExit(1)
    time.sleep(0.3)
    queue.rpush("done", f"{job} by {name}")
    print(f"worker {name}: did {job}", flush=True)
