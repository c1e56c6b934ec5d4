"""Screenshots of the demo's real pages for the README (`make screenshots`).

Loads the demo into a throw-away var dir, serves it, signs in as a demo user in Debian's
Chromium and saves PNGs under docs/screenshots/.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from congdoan.core.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = [
    ("overview.png", "/"),
    ("units-tree.png", "/units/"),
    ("units-tree-2024.png", "/units/?as_of=31/12/2024"),
    ("unit-detail.png", "/units/ST-TP/"),
    ("unit-merge-form.png", "/units/LDLD-CT/merge/"),
    ("enterprise-coverage-2023.png", "/enterprises/coverage/?unit=LDLD-ST&as_of=31/12/2023"),
    ("enterprises-list.png", "/enterprises/?q=cong ty"),
    ("organizing-board.png", "/organizing/"),
    ("plan-overview.png", "/plans/PTDV-2023/"),
    ("plan-targets.png", "/plans/PTDV-2023/targets/?indicator=DV_TONG"),
    ("plan-tasks.png", "/plans/PTDV-2023/tasks/"),
    ("plan-news.png", "/plans/PTDV-2023/tasks/news/"),
    # Last: the member page below is opened from this list.
    ("members-list.png", "/members/?q=nguyen thi"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, CONGDOAN_VAR_DIR=tempfile.mkdtemp(prefix="congdoan-shots-"))
    subprocess.run([bin_dir / "congdoan", "demo", "--no-serve"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([bin_dir / "congdoan", "serve", "--addr", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/login/")
                break
            except OSError:
                time.sleep(0.5)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"{base}/login/")
            page.screenshot(path=OUT / "login.png")
            page.fill("input[name=username]", "quanly")
            page.fill("input[name=password]", "congdoan2023")
            page.click("section.login button[type=submit]")
            page.wait_for_load_state("networkidle")
            for name, url in PAGES:
                page.goto(base + url)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=OUT / name, full_page=False)
            # A member's page: the first one the search above found.
            page.click("table td a[href^='/members/']")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / "member-detail.png", full_page=False)
            page.goto(f"{base}/enterprises/?q=cong ty")
            page.click("table td a[href^='/enterprises/']")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / "enterprise-detail.png", full_page=False)
            # The split wizard of the province's 2023 target, opened from the grid.
            page.goto(f"{base}/plans/PTDV-2023/targets/?indicator=DV_MOI")
            page.locator("a[href*='/targets/split/']").nth(1).click()
            page.wait_for_load_state("networkidle")
            page.click("input[value=potential]")
            page.click("#propose")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / "plan-split.png", full_page=True)
            # LĐLĐ Sóc Trăng half-way through 2023: the forecast to the end of the plan
            # and its band are drawn (at the plan's end there is nothing left to forecast).
            page.goto(f"{base}/dashboard/?as_of=30/06/2023")
            page.wait_for_selector("html[data-charts]")
            # The cards and both charts (the tables below them left out).
            page.screenshot(path=OUT / "dashboard.png", full_page=True,
                            clip={"x": 0, "y": 0, "width": 1200, "height": 2000})
            phone = browser.new_page(viewport={"width": 375, "height": 740})
            phone.context.add_cookies(page.context.cookies())
            phone.goto(f"{base}/units/")
            phone.screenshot(path=OUT / "units-tree-phone.png")
            phone.goto(f"{base}/dashboard/")
            phone.wait_for_selector("html[data-charts]")
            phone.screenshot(path=OUT / "dashboard-phone.png")
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print(f"Saved screenshots in {OUT}")


if __name__ == "__main__":
    main()
