"""Upload path and memory: a 12 MP JPEG POSTed through gunicorn to moto, the server's time split into
phases; then the peak RSS of a gunicorn worker receiving a 24 MP JPEG and a 50 MP PNG.

    .venv/bin/python bench/upload.py [--quick] [--profile SECONDS]

Phases come from bench.instrument's Server-Timing header: receive (read and parse the body), validate
(the form, without the image work), the image work (gallery.imaging.process.process_image: one decode, display
size, thumbnail, EXIF), S3 puts and DynamoDB write (each without the wait on moto), the rest (view,
session, redirect), and the wait on moto, counted apart.
"""

import argparse
import io
import statistics
import sys
import time

from _common import Profile, machine, photo_like, refuse_if_loaded, table, vm_hwm_mb
from _stack import Client, Stack, server_timing
from PIL import Image

GOAL_SHARE = 0.30
MEMORY_GOAL_MB = 150


def jpeg(size, seed):
    buffer = io.BytesIO()
    photo_like(size, seed=seed).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def flat_png(size):
    """An RGB PNG of flat 100 px blocks: a 50 MP photo would be far above the 20 MiB upload limit,
    a drawing is not, and decoding costs the same memory whatever the content."""
    buffer = io.BytesIO()
    blocks = photo_like((size[0] // 100, size[1] // 100), seed=7, noise=0)
    blocks.resize(size, Image.Resampling.NEAREST).save(buffer, format="PNG")
    return buffer.getvalue()


def split(stack, runs):
    site = stack.serve(workers=2)
    client = Client(site).login()
    data = jpeg((4000, 3000), seed=1)
    client.upload(jpeg((800, 600), seed=2), "warm-up.jpg", "image/jpeg")
    requests = []
    for run in range(runs):
        response, _ = client.upload(data, f"photo-{run}.jpg", "image/jpeg")
        assert response.status == 302, f"upload failed: {response.status}"
        requests.append(_phases_of_one_request(server_timing(response)))
    # Each request is split on its own (phases subtracted inside one request), then each phase's
    # median is taken: medians of separate series subtracted from each other can go negative.
    phases = {name: statistics.median(request[name] for request in requests) for name in requests[0]}
    our_total, image_work = phases.pop("our code, total"), phases["image work (process_image)"]
    waits = {name: phases.pop(name) for name in list(phases) if name.startswith(("wait", "server"))}
    rows = [[name, f"{ms:.1f}", f"{ms / our_total:.0%}"] for name, ms in phases.items()]
    rows.append(["**our code, total**", f"**{our_total:.1f}**", "100%"])
    rows += [[name, f"{ms:.1f}", "(apart)" if name.startswith("wait") else ""] for name, ms in waits.items()]
    print(f"\n## Upload of a 12 MP JPEG ({len(data) / 1e6:.1f} MB), median of {runs}, server-side ms\n")
    print("Each phase is its median over the requests, each split inside its own request.\n")
    print(table(["phase", "ms", "share of our code"], rows))
    outside = statistics.median(
        (request["our code, total"] - request["image work (process_image)"]) / request["our code, total"]
        for request in requests
    )
    verdict = "met" if outside <= GOAL_SHARE else "missed"
    print(
        f"\nEverything but the image work ({image_work:.0f} ms): {outside:.0%} of our code's time "
        f"(goal ≤ {GOAL_SHARE:.0%}: {verdict})"
    )


def _phases_of_one_request(timing):
    s3_wait, dynamodb_wait = timing.get("s3-wait", 0.0), timing.get("dynamodb-wait", 0.0)
    image_work = timing["images"]
    rest = timing["total"] - timing["receive"] - timing["form"] - timing["s3"] - timing["dynamodb"]
    return {
        "receive (read + parse the body)": timing["receive"],
        "validate (form, without the image work)": timing["form"] - image_work,
        "image work (process_image)": image_work,
        "S3 puts (our side)": timing["s3"] - s3_wait,
        "DynamoDB write (our side)": timing["dynamodb"] - dynamodb_wait,
        "rest (middleware, session, view, redirect)": rest,
        "our code, total": timing["total"] - s3_wait - dynamodb_wait,
        "wait on moto: S3 puts": s3_wait,
        "wait on moto: DynamoDB write": dynamodb_wait,
        "server total (with moto)": timing["total"],
    }


def profile(stack, seconds):
    site = stack.serve(workers=2)
    client = Client(site).login()
    data = jpeg((4000, 3000), seed=1)
    client.upload(data, "warm-up.jpg", "image/jpeg")
    with Profile(site.process.pid, stack.directory / "upload-profile.txt", seconds) as profiler:
        deadline = time.monotonic() + seconds - 1
        uploads = 0
        while time.monotonic() < deadline:
            client.upload(data, "photo.jpg", "image/jpeg")
            uploads += 1
    top, samples = profiler.top()
    print(f"\n## py-spy, {uploads} uploads of the 12 MP JPEG: share of the workers' samples ({samples})\n")
    print(table(["inclusive share", "function"], [[f"{share:.0%}", name] for share, name in top]))


def memory(stack, quick=False):
    """Peak of a fresh worker per upload: the largest accepted files of each kind (a 50 MP PNG is
    decoded in bands, gallery.imaging.png_bands: held to the pixel limit as JPEGs are)."""
    from django.conf import settings

    files = [
        ("50 MP PNG (10000×5000, decoded in bands)", flat_png((10000, 5000)), "photo.png", "image/png"),
    ]
    if not quick:
        files[:0] = [
            ("24 MP JPEG (6000×4000)", jpeg((6000, 4000), seed=3), "photo.jpg", "image/jpeg"),
            ("50 MP JPEG (8660×5773, pixel limit)", jpeg((8660, 5773), seed=4), "photo.jpg", "image/jpeg"),
        ]  # fmt: skip
    rows = []
    for name, data, filename, content_type in files:
        site = stack.serve(workers=1)
        (worker,) = site.worker_pids()
        client = Client(site).login()
        client.upload(jpeg((800, 600), seed=2), "warm-up.jpg", "image/jpeg")  # imports, clients, pools
        before = vm_hwm_mb(worker)
        response, body = client.upload(data, filename, content_type)
        after = vm_hwm_mb(worker)
        outcome = "stored (302)" if response.status == 302 else f"refused ({response.status})"
        if response.status != 302:
            assert b"too many pixels" in body, "a refused upload must say why"
        verdict = "met" if after <= MEMORY_GOAL_MB else "missed"
        rows.append([name, f"{len(data) / 1e6:.1f} MB", outcome, f"{before:.0f}", f"{after:.0f}", verdict])
    print("\n## Peak RSS (VmHWM) of the one gunicorn worker, MB\n")
    print(f"Limits: PHOTOSHARE_MAX_IMAGE_PIXELS {settings.PHOTOSHARE_MAX_IMAGE_PIXELS:,}, "
          f"PHOTOSHARE_MAX_DECODE_BYTES {settings.PHOTOSHARE_MAX_DECODE_BYTES:,}\n")  # fmt: skip
    print(
        table(
            ["upload", "file", "outcome", "worker peak before (warmed up)", "peak after the upload",
             f"goal ≤ {MEMORY_GOAL_MB} MB"],
            rows,
        )
    )  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", type=int, default=0, metavar="SECONDS", help="py-spy the uploads too")
    parser.add_argument("--quick", action="store_true", help="2 uploads and the PNG memory rows (< 60 s)")
    parser.add_argument("--force", action="store_true", help="run above load 1.5 (figures no record)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.profile = 2, 0
    print(f"Machine: {machine()}; Python {sys.version.split()[0]}")
    print(f"Command: bench/upload.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    refuse_if_loaded(args.quick or args.force)
    with Stack() as stack:
        split(stack, args.runs)
        if args.profile:
            profile(stack, args.profile)
        memory(stack, quick=args.quick)


if __name__ == "__main__":
    main()
