# The "build step" of this project: turns tips.txt into a static web page, public/index.html.
# It needs Python to run, but the page it makes needs nothing but a web server.
import html
import pathlib

tips = [
    line.strip()
    for line in pathlib.Path("tips.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
items = "\n".join(f"    <li>{html.escape(tip)}</li>" for tip in tips)
page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Docker tips</title>
  <style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; line-height: 1.5; }}</style>
</head>
<body>
  <h1>Docker tips</h1>
  <ol>
{items}
  </ol>
</body>
</html>
"""
out = pathlib.Path("public")
out.mkdir(exist_ok=True)
(out / "index.html").write_text(page, encoding="utf-8")
print(f"Built public/index.html with {len(tips)} tips")
