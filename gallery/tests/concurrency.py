"""Many clients at once: real threads, released together, bounded in time."""

import threading
import time

from django.db import connections

TIMEOUT = 120  # seconds for all the clients of one scenario, on a loaded 2-core machine


def at_once(tasks, *, hooks=(), timeout=TIMEOUT):
    """Run each callable of `tasks` in its own thread, all started together by a barrier, and
    return what each returned, or the exception it raised, in the order of `tasks`.

    Each thread first calls `hook.install(index)` for every hook (they act on that thread's own
    boto3 clients) and closes its database connections at the end. Fails the test if the
    threads are not all done within `timeout` seconds.
    """
    results = [None] * len(tasks)
    barrier = threading.Barrier(len(tasks))

    def run(index, task):
        try:
            for hook in hooks:
                hook.install(index)
            barrier.wait(timeout)
            results[index] = task()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in enumerate(tasks)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout  # a bound on the test, not a measurement
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} of {len(tasks)} clients still running after {timeout} s"
    return results
