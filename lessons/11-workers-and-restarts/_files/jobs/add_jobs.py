# Puts jobs in the Redis list "jobs": `python add_jobs.py 20` adds job-1 to job-20.
import os
import sys

import redis

queue = redis.Redis(host=os.environ.get("QUEUE_HOST", "queue"), port=6379)
count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
queue.rpush("jobs", *[f"job-{n}" for n in range(1, count + 1)])
print(f"added {count} jobs; {queue.llen('jobs')} waiting")
