"""Regenerate the README's screenshots of the Ningde and Jinjiang views.

    python docs/screenshots.py

Needs Debian's chromium, a CJK font (fonts-noto-cjk) so the Chinese labels render, and playwright.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
VIEWS = [("ningde", ["--lang", "en"]), ("jinjiang", ["--lang", "zh"])]


def main() -> None:
    chromium = shutil.which("chromium") or sys.exit("chromium is not installed")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, args in VIEWS:
            html = Path(folder) / f"{name}.html"
            subprocess.run([sys.executable, "-m", "chaingraph", "view", name, "-o", str(html), *args], check=True)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.goto(html.as_uri())
            page.wait_for_function("typeof network !== 'undefined'")
            page.wait_for_timeout(4000)  # let the physics settle
            page.screenshot(path=str(DOCS / f"view-{name}.png"))
            print(f"wrote docs/view-{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
