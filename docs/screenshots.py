"""Regenerate the README's screenshots of the views.

    python docs/screenshots.py

Needs Debian's chromium, a CJK font (fonts-noto-cjk) so the Chinese labels render, and playwright.
Each shot is the view as it opens at 1400 x 860, except the traced one: CATL clicked, its supply
chain kept and the other chains dimmed, its side panel open; and the first page of the Ningde brief.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
CATL = "https://w3id.org/chaingraph/fujian/catl"
#: (file name, view, options, node to click or None)
SHOTS = [
    ("view-ningde", "ningde", ["--lang", "en"], None),
    ("view-jinjiang", "jinjiang", ["--lang", "zh"], None),
    ("view-fujian", "fujian", [], None),
    ("view-fujian-traced", "fujian", [], CATL),
]


def main() -> None:
    chromium = shutil.which("chromium") or sys.exit("chromium is not installed")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, view, args, click in SHOTS:
            html = Path(folder) / f"{name}.html"
            subprocess.run([sys.executable, "-m", "chaingraph", "view", view, "-o", str(html), *args], check=True)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.goto(html.as_uri())
            page.wait_for_function("window.arranged === true")
            if click:
                point = page.evaluate(f"network.canvasToDOM(network.getPosition({json.dumps(click)}))")
                box = page.locator("#graph").bounding_box()
                page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
                page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)  # no tooltip in the shot
            page.wait_for_timeout(300)
            page.screenshot(path=str(DOCS / f"{name}.png"))
            print(f"wrote docs/{name}.png")
        # The brief's first page, at A4's size on a screen (96 dpi).
        html = Path(folder) / "brief-ningde.html"
        subprocess.run([sys.executable, "-m", "chaingraph", "brief", "--chain", "ningde", "-o", str(html)], check=True)
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.goto(html.as_uri())
        page.screenshot(path=str(DOCS / "brief-ningde.png"))
        print("wrote docs/brief-ningde.png")
        browser.close()


if __name__ == "__main__":
    main()
