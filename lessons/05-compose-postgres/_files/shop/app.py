# A small orders API: orders live in PostgreSQL, page views are counted in Redis.
import os
import signal
import sys
from contextlib import closing
from datetime import timezone

import psycopg2
from flask import Flask, jsonify, request
from psycopg2.extras import RealDictCursor
from redis import Redis

app = Flask(__name__)
# Both come from compose.yaml: where Redis is, and how to reach the database.
cache = Redis(host=os.environ.get("REDIS_HOST", "localhost"), port=6379)
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def query(sql, params=()):
    """Runs one SQL statement in its own transaction and returns the rows it gives back."""
    if not DATABASE_URL:
        raise RuntimeError("DATABASE_URL is not set: add it to the web service's environment")
    with closing(psycopg2.connect(DATABASE_URL)) as conn:
        with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute(sql, params)
            return cur.fetchall()


def as_json(order):
    order = dict(order)
    order["created_at"] = order["created_at"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return order


@app.get("/")
def index():
    views = cache.incr("views")
    count = query("SELECT count(*) AS n FROM orders")[0]["n"]
    return (
        f"Orders API: {count} order{'' if count == 1 else 's'} in the database. "
        f"This page has been viewed {views} time{'' if views == 1 else 's'}.\n"
        "GET /orders lists them; POST /orders with item=...&quantity=... adds one.\n"
    )


@app.get("/orders")
def list_orders():
    rows = query("SELECT id, item, quantity, created_at FROM orders ORDER BY id")
    return jsonify([as_json(row) for row in rows])


@app.post("/orders")
def add_order():
    data = request.get_json(silent=True) or request.form
    item = str(data.get("item", "")).strip()
    try:
        quantity = int(data.get("quantity", 1))
    except ValueError:
        return jsonify(error="quantity must be a whole number"), 400
    if not item or quantity < 1:
        return jsonify(error="give an item and a quantity of at least 1"), 400
    rows = query(
        "INSERT INTO orders (item, quantity) VALUES (%s, %s) RETURNING id, item, quantity, created_at",
        (item, quantity),
    )
    return jsonify(as_json(rows[0])), 201


if __name__ == "__main__":
    # Stop at once when Docker asks us to (lesson 8 explains why this line matters).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app.run(host="0.0.0.0", port=5000)
