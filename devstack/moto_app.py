"""Our moto server: moto 5.2.6's server app, patched and wrapped for a long-running local stack.

    python devstack/moto_app.py -H 127.0.0.1 -p 5000 [--recording .local/moto-recording.jsonl]

What differs from `python -m moto.server` (see devstack/README.md and docs/moto-upstream-note.md):
moto's internals patched where measured faults required it (devstack/moto_patches.py,
devstack/moto_queries.py), one request at a time with only committed writes recorded
(devstack/local_app.py, devstack/recording.py, devstack/queue_ledger.py), S3 bodies in a blob
store beside the recording (devstack/s3_bodies.py). With a recording, the server first takes
`<recording>.lock` (one server per recording: a second one exits with code 3 and touches
nothing), replays the recording, compacts it if needed, and only then opens its port.
"""

import argparse
import base64
import fcntl
import os
import resource
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devstack.local_app import SNAPSHOT_EVERY, LocalApp
from devstack.queue_ledger import QueueLedger, deleted_origins
from devstack.recording import Recorder, compact_recording, iter_recording
from devstack.s3_bodies import BODY_FIELD, BlobFile, BlobStore, blobs_dir, live_blobs
from devstack.snapshot import forget_deleted_messages, load_snapshot
from devstack.tether import die_with_parent

RECORDING_IN_USE = 3  # the exit code of a server refused its recording


def raise_open_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def lock_recording(recording):
    """Hold `<recording>.lock` for the life of this process, or exit: two servers appending to one
    recording, or one rewriting it under the other, lose writes. Returns the lock's descriptor."""
    path = Path(f"{recording}.lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = path.read_text().strip() or "unknown"
        print(f"{recording} is in use by another moto server (pid {holder}); not started", file=sys.stderr)
        sys.exit(RECORDING_IN_USE)
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    return descriptor


def build_app(recording=None, blob_dir=None, base_url="http://127.0.0.1:5000"):
    """The patched moto app, its recording replayed: (LocalApp, summary line or None).
    The caller holds the recording's lock (lock_recording). S3 bodies: the recording's blob store
    (devstack/s3_bodies.py), or without a recording an unlinked file in `blob_dir`."""
    from devstack.moto_patches import patch_moto

    os.environ.setdefault("MOTO_S3_DEFAULT_KEY_BUFFER_SIZE", str(64 * 1024))
    store = BlobStore(blobs_dir(recording)) if recording else BlobFile(blob_dir)
    patch_moto(store)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = LocalApp(DomainDispatcherApplication(create_backend_app))
    if not recording:
        return app, None
    recording = Path(recording)
    started = time.monotonic()
    offset, origins = load_snapshot(recording) if recording.exists() else (None, "no recording")
    start = offset or 0
    if recording.exists():
        app.ledger = QueueLedger(deleted_origins(recording, start))
    if offset is not None:
        app.ledger.restore_origins(origins)
        forget_deleted_messages(app.ledger.deleted, origins)
    damaged, converted = [], {}
    counts = app.replay(iter_recording(recording, damaged=damaged, start=start), base_url, converted)
    # Rewritten only here: before the port opens, under the recording's lock.
    compacted = compact(recording, store, bool(damaged or counts["reads"]), converted)
    loaded = "no snapshot" if offset is None else f"snapshot ({start} bytes of it) loaded"
    if offset is None and recording.exists() and origins != "no snapshot":
        loaded = origins  # why the snapshot was not used
    summary = (
        f"{loaded}; replayed {counts['replayed']} recorded writes from {recording}"
        + (f" after byte {start}" if start else "")
        + f" in {time.monotonic() - started:.1f}s"
        + (f"; {counts['failed']} of them failed again (see the log)" if counts["failed"] else "")
        + (f"; {counts['missing']} object bodies missing from {store.directory}" if counts["missing"] else "")
        + compacted
    )
    app.recorder = Recorder(recording)
    app.since_snapshot = counts["replayed"] + counts["skipped"] + counts["reads"]
    if compacted or app.since_snapshot >= SNAPSHOT_EVERY:
        # A compaction changed the offsets; a long replay is not to be done again. A short tail
        # counts towards the next snapshot while serving (a crash restart stays short).
        app.snapshot()
    return app, summary


def compact(recording, store, needed, converted):
    """Rewrite the recording if it holds damage or reads (`needed`), bodies inline (an older
    recording: `converted` by the replay) or names blobs no object holds any more; then remove
    the blobs nothing names. Returns what was done, for the summary line ('' if nothing)."""
    live = live_blobs()
    files = store.names()
    unreferenced = {name for name in files if name not in live}
    if not (needed or converted or unreferenced):
        return ""

    def rewrite(index, entry):
        if index in converted:
            body, rest = converted[index]
            entry = {**entry, BODY_FIELD: body, "body": base64.b64encode(rest).decode(), "body_encoded": True}
        body = entry.get(BODY_FIELD)
        if body and body.get("sha256") and body["sha256"] not in live:
            # Overwritten or deleted later in the recording: the replay never shows these bytes.
            entry = {**entry, BODY_FIELD: {**body, "sha256": None}}
        return entry

    compact_recording(recording, rewrite)
    for name in unreferenced:
        store.remove(name)
    store.sync_directory()
    freed = sum(files[name] for name in unreferenced) / 2**20
    return (
        f"; compacted ({len(converted)} inline bodies moved to {store.directory.name}/, "
        f"{len(unreferenced)} unreferenced blobs removed, {freed:.1f} MB)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    parser.add_argument("--recording", help="JSON-lines file of committed writes (replayed on start)")
    parser.add_argument(
        "--blob-dir", help="without --recording: directory for the S3 bodies' file (default: $TMPDIR)"
    )
    args = parser.parse_args(argv)
    # SIGTERM (from whoever started us, or from the kernel when it died) ends the server quietly.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    die_with_parent()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    raise_open_file_limit()
    if args.recording:
        lock_recording(args.recording)

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    app, summary = build_app(args.recording, args.blob_dir, f"http://{args.host}:{args.port}")
    if summary:
        print(summary, flush=True)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"moto (devstack/moto_app.py) on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if app.recorder:
            app.snapshot()  # a clean stop: the next start loads the state, replays nothing
            app.recorder.close()


if __name__ == "__main__":
    main()
