# A small Flask app to develop inside a container: change GREETING, save, reload the page.
from flask import Flask

GREETING = "Hello from the first version"

app = Flask(__name__)


def greeting() -> str:
    return GREETING


@app.route("/")
def index() -> str:
    return f"{greeting()}\n"
