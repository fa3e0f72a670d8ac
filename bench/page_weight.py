"""What a browser downloads: Debian's Chromium through Playwright (gallery/tests/browsers.py) over
the home, photo, album and tag pages with 24+ camera-sized photos (5-16 MP JPEGs, photo-like:
bench/_common.photo_like), each page scrolled to its end: image bytes, image requests, the HTML's
bytes on the wire and the Largest Contentful Paint, at a phone (390x844 DPR 3), Lighthouse's
phone (412x823 DPR 1.75) and a 1280x800 desktop at DPR 1 and 2.

    .venv/bin/python bench/page_weight.py            (24 photos, every viewport; refused above load 1.5)
    .venv/bin/python bench/page_weight.py --quick    (2 small photos, one viewport: the CI smoke run)
    .venv/bin/python bench/page_weight.py --lighthouse   (and Lighthouse's mobile run of the home and
                                                          photo pages: score, LCP, image bytes)

Lighthouse (Node; LIGHTHOUSE_VERSION below, the one place it is pinned) is installed outside the
repository's tracked files, under the gitignored .local/:
    npm install --prefix .local/lighthouse lighthouse@<LIGHTHOUSE_VERSION>
--lighthouse without Node or that install says so and skips it (the byte figures still run). It
drives Debian's Chromium (CHROME_PATH, as the browser tests' gallery/tests/browsers.CHROMIUM).

The site runs as bench/_stack.py runs it (gunicorn, production settings, its own moto); with
--gzip Django compresses pages (PHOTOSHARE_GZIP, as `make run`; production's nginx does it there).
Targets (issue 26) for the home page, scrolled to the end: <= 1.25 MiB of images at 412x823 DPR
1.75, <= 2.5 MiB at 390x844 DPR 3, <= 1.5 MiB at 1280x800 DPR 2.
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time

import _common as common
from _stack import Stack

VIEWPORTS = {
    "390x844@3": ((390, 844), 3, True),
    "412x823@1.75": ((412, 823), 1.75, True),
    "1280x800@1": ((1280, 800), 1, False),
    "1280x800@2": ((1280, 800), 2, False),
}
MIB = 1024 * 1024
TARGETS = {
    ("home", "412x823@1.75"): 1.25 * MIB,
    ("home", "390x844@3"): 2.5 * MIB,
    ("home", "1280x800@2"): 1.5 * MIB,
}
# Camera sizes, landscape and portrait: 5, 12, 16 and 12 MP (a phone held upright).
SIZES = [(2592, 1944), (4000, 3000), (4608, 3456), (3024, 4032)]
LIGHTHOUSE_VERSION = "12.8.2"
LIGHTHOUSE_DIR = common.ROOT / ".local" / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
LIGHTHOUSE_PAGES = ("home", "photo")
LCP_SCRIPT = """
window.__lcp = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.startTime;
}).observe({type: 'largest-contentful-paint', buffered: true});
"""


def photos(count, quick):
    """`count` JPEGs as a camera writes them (q90), each of its own content."""
    for index in range(count):
        size = (800, 600) if quick else SIZES[index % len(SIZES)]
        buffer = io.BytesIO()
        common.photo_like(size, seed=index + 1).save(buffer, format="JPEG", quality=90)
        yield buffer.getvalue()


def publish_all(stack, count, quick):
    from gallery.domain.records import PUBLIC
    from gallery.services import albums
    from gallery.tests.publishing import publish

    published = []
    for index, data in enumerate(photos(count, quick)):
        published.append(publish(stack.user, title=f"Photo {index + 1}", tags="bench", data=data))
    album = albums.create(stack.user, title="Bench album", visibility=PUBLIC)
    for photo in published:
        albums.add_photo(stack.user, album, photo.id)
    return published, album


def measure(browser, base, path, viewport):
    (width, height), scale, mobile = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=scale,
        is_mobile=mobile,
        has_touch=mobile,
    )
    page = context.new_page()
    page.add_init_script(LCP_SCRIPT)
    images, html = [], []

    def on_response(response):
        kind = response.request.resource_type
        if kind == "image":
            images.append(len(response.body()))
        elif kind == "document":
            html.append(int(response.headers.get("content-length") or len(response.body())))

    page.on("response", on_response)
    page.goto(base + path, wait_until="load")
    page.wait_for_timeout(300)
    lcp = page.evaluate("window.__lcp")
    for _ in range(50):  # scrolled to the end, a screen at a time, lazy images loading as a person sees them
        at_end = page.evaluate("window.scrollY + window.innerHeight >= document.body.scrollHeight - 2")
        if at_end:
            break
        page.mouse.wheel(0, height)
        page.wait_for_timeout(150)
    page.wait_for_load_state("networkidle")
    context.close()
    return {"image_bytes": sum(images), "requests": len(images), "html": sum(html), "lcp": lcp}


def lighthouse_missing():
    """Why Lighthouse cannot run here (None: it can)."""
    install = f"npm install --prefix .local/lighthouse lighthouse@{LIGHTHOUSE_VERSION}"
    if not shutil.which("node"):
        return "no Node on PATH"
    if not LIGHTHOUSE_CLI.exists():
        return f"Lighthouse is not installed: {install}"
    version = json.loads((LIGHTHOUSE_CLI.parent.parent / "package.json").read_text())["version"]
    if version != LIGHTHOUSE_VERSION:
        return f"Lighthouse {version} is installed, the bench pins {LIGHTHOUSE_VERSION}: {install}"
    return None


def lighthouse(name, url, chromium):
    """Lighthouse's default run (mobile: a 412x823 DPR 1.75 phone, simulated slow 4G and 4x CPU
    slowdown), performance only: (score, LCP ms, image KiB, total KiB, [failing audits' titles])."""
    result = subprocess.run(
        [
            shutil.which("node"),
            str(LIGHTHOUSE_CLI),
            url,
            "--only-categories=performance",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": chromium},
    )
    report = json.loads(result.stdout)
    # Kept for a look at what it flags (gitignored).
    (LIGHTHOUSE_DIR / f"report-{name}.json").write_text(result.stdout)
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    image_bytes = sum(item.get("transferSize", 0) for item in requests if item.get("resourceType") == "Image")
    flagged = [
        audit["title"]
        for audit in audits.values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return (
        round(report["categories"]["performance"]["score"] * 100),
        audits["largest-contentful-paint"]["numericValue"],
        image_bytes / 1024,
        audits["total-byte-weight"]["numericValue"] / 1024,
        flagged,
    )


def print_lighthouse(base, pages):
    from gallery.tests.browsers import CHROMIUM

    missing = lighthouse_missing()
    if missing:
        print(f"\nLighthouse skipped: {missing}")
        return
    print(f"\nLighthouse {LIGHTHOUSE_VERSION}, mobile preset (412x823 DPR 1.75, simulated slow 4G, 4x CPU):")
    print("\n| page | score | LCP ms | image KiB | total KiB | flagged | load |")
    print("|---|---|---|---|---|---|---|")
    for name in LIGHTHOUSE_PAGES:
        score, lcp, images, total, flagged = lighthouse(name, base + pages[name], CHROMIUM)
        print(
            f"| {name} | {score} | {lcp:.0f} | {images:.0f} | {total:.0f} |"
            f" {'; '.join(flagged) or '-'} | {os.getloadavg()[0]:.2f} |"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 small photos, one viewport (CI's smoke run)")
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--gzip", action="store_true", help="Django compresses pages (as make run)")
    parser.add_argument(
        "--lighthouse", action="store_true", help="and Lighthouse's mobile run of the home and photo page"
    )
    parser.add_argument(
        "--force", action="store_true", help="run above load 1.5 too (figures marked: no record)"
    )
    args = parser.parse_args(argv)
    print(f"Command: bench/page_weight.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(f"Machine: {common.machine()}")
    load = common.refuse_if_loaded(args.quick or args.force)
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(common.ROOT))
    from gallery.tests.browsers import launch

    if args.gzip or args.lighthouse:
        # Lighthouse is the production view: nginx compresses there, Django here (as make run).
        os.environ["PHOTOSHARE_GZIP"] = "1"
    # --quick checks that every page and path runs, not a figure: the fewest photos that fill them.
    count = 2 if args.quick else args.photos
    viewports = ["390x844@3"] if args.quick else list(VIEWPORTS)
    failed = []
    with Stack() as stack:
        started = time.perf_counter()
        published, album = publish_all(stack, count, args.quick)
        print(f"{count} photos published in {time.perf_counter() - started:.0f} s")
        site = stack.serve(workers=2)
        base = f"http://127.0.0.1:{site.port}"
        pages = {
            "home": "/",
            "photo": f"/photos/{published[-1].id}/",
            "album": f"/albums/{album.id}/",
            "tag": "/tags/bench/",
        }
        if load > common.RECORD_MAX_LOAD:
            print(
                f"\nNOT A RECORD: load {load:.2f} > {common.RECORD_MAX_LOAD}"
                " (image bytes do not depend on it; LCP does)"
            )
        print("\n| page | viewport | image KiB | image requests | HTML bytes | LCP ms | load |")
        print("|---|---|---|---|---|---|---|")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for name, path in pages.items():
                for viewport in viewports:
                    figures = measure(browser, base, path, viewport)
                    target = TARGETS.get((name, viewport))
                    verdict = ""
                    if target and not args.quick:
                        ok = figures["image_bytes"] <= target
                        verdict = f" (target {target / MIB:g} MiB: {'met' if ok else 'MISSED'})"
                        if not ok:
                            failed.append((name, viewport))
                    print(
                        f"| {name} | {viewport} | {figures['image_bytes'] / 1024:.0f}{verdict} |"
                        f" {figures['requests']} | {figures['html']} | {figures['lcp']:.0f} |"
                        f" {os.getloadavg()[0]:.2f} |"
                    )
            browser.close()
        if args.lighthouse:
            print_lighthouse(base, pages)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
