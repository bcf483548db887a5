"""Screenshots of every page for docs/img, from a running ``kolgraph serve`` (the demo's data).

Usage (after ``kolgraph demo --no-serve --data-dir D``, ``kolgraph serve --data-dir D`` and
``kolgraph keys create --role admin --department medical_affairs --data-dir D``)::

    python tests/web/docs_screenshots.py http://127.0.0.1:8000 <key>

Writes ``docs/img/<page>-<width>.png`` at 1280 and 820 px wide, and ``docs/img/profile.png``
(the README's: the most influential KOL, top of the page). ``profile-*`` shows the KOL several
departments contacted most lately, so its timeline, conflicts and spend are not empty;
``kol-*`` the most influential KOL; ``payments-*`` the Open Payments panel of the HCP with the
most disclosures among the first San Francisco HCPs of the finder (the city of the Open
Payments sample). Drives Debian's chromium like the tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
from PIL import Image
from playwright.sync_api import sync_playwright

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
CHROMIUM = os.environ.get("KOLGRAPH_TEST_CHROMIUM", "/usr/bin/chromium")
WIDTHS = (1280, 820)


def pick_profiles(base: str, key: str) -> tuple[str, str]:
    """The KOL several departments contacted most lately (else the most influential), and
    the most influential KOL."""
    headers = {"X-API-Key": key}
    top = str(
        httpx.get(f"{base}/hcps", headers=headers, params={"limit": 1}).json()["items"][0]["id"]
    )
    multi = httpx.get(f"{base}/portfolio", headers=headers, params={"limit": 5}).json()
    return (str(multi["multi_department"][0]["id"]) if multi.get("multi_department") else top, top)


def pick_paid(base: str, key: str, city: str = "San Francisco") -> str | None:
    """The HCP with the most Open Payments disclosures among the finder's first 100 in
    ``city`` (anyone, ranked or not), or None when none has any."""
    headers = {"X-API-Key": key}
    found = httpx.get(
        f"{base}/hcps",
        headers=headers,
        params={"city": city, "limit": 100, "include_non_hcp": "true"},
    ).json()["items"]
    counts = {
        str(h["id"]): httpx.get(f"{base}/hcps/{h['id']}/industry-payments", headers=headers)
        .json()
        .get("payments", 0)
        for h in found
    }
    best = max(sorted(counts), key=lambda h: counts[h], default=None)
    return best if best is not None and counts[best] else None


def shoot(base: str, key: str) -> list[Path]:
    """Sign in, visit each page at each width, save the screenshots; return their paths."""
    contacted, top = pick_profiles(base, key)
    paid = pick_paid(base, key)
    pages = {
        "search": ("/ui/#/search", "#results tbody tr"),
        "profile": (f"/ui/#/hcp/{contacted}", "#activity"),
        "kol": (f"/ui/#/hcp/{top}", "#activity"),
        "dashboard": ("/ui/#/dashboard", "#kpi-departments table"),
        "docs": ("/docs", ".swagger-ui .opblock"),
    }
    if paid:
        pages["payments"] = (f"/ui/#/hcp/{paid}", "#industry-payments table")
    written = []
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 1000}, base_url=base)
            page = context.new_page()
            page.goto("/ui/")
            page.get_by_label("API key").fill(key)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_selector("#results tbody tr")
            for name, (url, ready) in pages.items():
                page.goto(url)
                page.wait_for_selector(ready, timeout=60_000)
                if name in ("profile", "kol"):
                    page.wait_for_selector("svg.network circle.node", timeout=60_000)
                    page.wait_for_selector("#activity", timeout=60_000)
                page.wait_for_timeout(300)
                target = DOCS_IMG / f"{name}-{width}.png"
                if name == "payments":  # the panel alone
                    page.locator("#industry-payments").screenshot(path=target)
                else:
                    page.screenshot(path=target, full_page=name != "docs")
                written.append(target)
                if name == "kol" and width == 1280:
                    page.screenshot(path=DOCS_IMG / "profile.png")  # the README's, top only
            context.close()
        browser.close()
    for path in written + [DOCS_IMG / "profile.png"]:  # 256 colours: a fifth of the bytes
        Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(
            path, optimize=True
        )
    return written


if __name__ == "__main__":
    for path in shoot(sys.argv[1], sys.argv[2]):
        print(path)
