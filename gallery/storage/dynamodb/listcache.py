"""List pages kept in a shared cache (ElastiCache Redis in production) until the table changes.

A list page is one Query; most views of a photo site read the same few pages between two writes.
Every successful write call to the table (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
TransactWriteItems, from any process or instance using this code) sets a new *generation* in the
cache, and a page is cached under the generation it was read in: after a write nobody asks for
the old keys again, so no page outlives an edit, a delete or a visibility change. Nothing has to
know which lists a write touched, which keeps the rule in one place.

- The lists index is eventually consistent: a Query just after a write may not see it yet. A page
  read less than PHOTOSHARE_LIST_INDEX_LAG_SECONDS after the newest write is served but not kept.
- Pages hold cards, never URLs: presigned URLs are filled in at every view (gallery_tags).
- Off (DummyCache) unless PHOTOSHARE_LIST_CACHE_URL names a cache every process shares: with a
  per-process cache one worker's write would not reach another worker's pages.
- If the cache fails, pages come from DynamoDB and writes still succeed; a write whose new
  generation could not be set may leave pages stale for PAGE_SECONDS at most (logged).
- The generation is asked once a request (a request's pages are of one generation), and again
  after any write of this process: a process always sees its own writes on its next page. With
  PHOTOSHARE_LIST_GENERATION_SECONDS > 0 (default 0: asked on every request), a process trusts
  the generation it read for that long: a write from another process or instance then shows
  within that many seconds; its own writes still show at once, and so do a browser's: a request
  that wrote sends back the new generation in a cookie (WRITTEN_COOKIE, as long-lived as the
  trust), and a request bearing a generation other than the trusted one asks the cache.
"""

import contextvars
import dataclasses
import hashlib
import logging
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

from gallery.domain.records import Page

logger = logging.getLogger(__name__)

GENERATION_KEY = "list-pages:generation"
# The longest a page is kept, whatever happens to the generation (writes made around this code).
PAGE_SECONDS = 60
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
clock = time.time  # tests replace it
# Pages this process read or stored lately, by their key (which holds the generation): a page of a
# generation never changes, so the second GET and its unpickling are skipped (a third of the cache's
# cost on a home page, bench/list_peers.py). The generation is still asked (below): a write anywhere
# starts a new one. Kept SEEN_SECONDS at most, so a page outlives PAGE_SECONDS by that much.
SEEN_PAGES = 256
SEEN_SECONDS = 5
_seen = {}
_seen_lock = threading.Lock()
# The generation as last read or set here: (generation, when, this process's writes before it).
# A read is used only while no write of this process followed it (read-your-writes), for the rest
# of the request it was read in (_request) or, with PHOTOSHARE_LIST_GENERATION_SECONDS, across
# requests for that long (_last).
_writes = 0
_last = None
# The cookie that carries a browser's last write to whichever process serves its next requests
# (gallery/web/list_writes.py sets and reads it).
WRITTEN_COOKIE = "lists_written"


@dataclasses.dataclass
class _InRequest:
    known: tuple = None  # the generation this request's pages are of, once asked (as _last)
    wanted: str = None  # the generation the browser's last write set (its cookie), if any
    written: str = None  # the generation a write of this request set


_request = contextvars.ContextVar("list_generation", default=None)


@receiver(request_started, dispatch_uid="photoshare-list-generation-start")
@receiver(request_finished, dispatch_uid="photoshare-list-generation-end")
def _new_request(signal, **kwargs):
    # None outside a request (the worker, the shell, a management command): asked on every page.
    _request.set(_InRequest() if signal is request_started else None)


def browser_wrote(generation):
    """This request's browser wrote lately, setting `generation` (its cookie): a generation this
    process trusts is used only if it is that one (else it is asked: the write may be newer)."""
    in_request = _request.get()
    if in_request is not None:
        in_request.wanted = generation


def written_in_request():
    """The generation a write of this request set, for the browser's cookie, and how long the
    cookie is worth keeping (the trust's seconds); None when no process trusts a generation."""
    in_request = _request.get()
    if in_request is None or in_request.written is None or settings.PHOTOSHARE_LIST_GENERATION_SECONDS <= 0:
        return None
    return in_request.written, settings.PHOTOSHARE_LIST_GENERATION_SECONDS


def _cache():
    cache = caches[settings.PHOTOSHARE_LIST_CACHE]
    return None if isinstance(cache, DummyCache) else cache


def page(key, read):
    """The page `read()` returns, from the cache when it was read since the newest write.
    `key` names the page (list, cursor, prefix, limit, order, record type)."""
    cache = _cache()
    if cache is None:
        return read()
    started = clock()
    try:
        generation = _generation(cache, started)
        page_key = "list-page:" + hashlib.sha256(repr((generation, key)).encode()).hexdigest()
        found = _seen_page(page_key, started)
        if found is None:
            found = cache.get(page_key)
            _remember(page_key, found, started)
    except Exception:  # any cache failure: read from DynamoDB
        logger.warning("List page cache unavailable", exc_info=True)
        return read()
    if found is not None:
        return _own_copy(found)
    found = read()
    if started - _written_at(generation) >= settings.PHOTOSHARE_LIST_INDEX_LAG_SECONDS:
        try:
            cache.set(page_key, found, timeout=PAGE_SECONDS)
        except Exception:
            logger.warning("List page cache unavailable", exc_info=True)
        else:
            _remember(page_key, _own_copy(found), started)  # not the list this reader may change
    return found


def _generation(cache, now):
    """The current generation: the one this request (or, within PHOTOSHARE_LIST_GENERATION_SECONDS,
    this process) read, unless this process wrote since; else asked of the cache."""
    in_request = _request.get()
    if in_request is not None and in_request.known is not None and in_request.known[2] == _writes:
        return in_request.known[0]
    last = _last
    if last is not None and last[2] == _writes and _trusted(last, now) and _wanted(last, in_request):
        _keep(last, in_request)
        return last[0]
    writes = _writes  # before asking: a write made meanwhile makes this answer unusable
    generation = cache.get(GENERATION_KEY) or new_generation(cache)
    _keep((generation, now, writes), in_request)
    return generation


def _trusted(known, now):
    return 0 <= now - known[1] < settings.PHOTOSHARE_LIST_GENERATION_SECONDS


def _wanted(known, in_request):
    return in_request is None or in_request.wanted in (None, known[0])


def _keep(known, in_request):
    global _last
    if in_request is not None:
        in_request.known = known
    _last = known


def forget_generation():
    """Ask the cache on the next page (tests: after emptying the cache)."""
    global _last
    with _seen_lock:
        _last = None
    in_request = _request.get()
    if in_request is not None:
        in_request.known = None


def _seen_page(page_key, now):
    seen = _seen.get(page_key)
    return seen[1] if seen is not None and now - seen[0] < SEEN_SECONDS else None


def _remember(page_key, found, now):
    if found is None:
        return
    with _seen_lock:
        _seen[page_key] = (now, found)
        while len(_seen) > SEEN_PAGES:
            del _seen[next(iter(_seen))]  # the oldest first (insertion order)


def _own_copy(found):
    """A page with a list of its own for each reader (as one unpickled from the cache has)."""
    return dataclasses.replace(found, items=list(found.items)) if isinstance(found, Page) else found


def new_generation(cache=None):
    """Start a new generation: every page cached so far is left behind. The value holds its
    time (for the index lag) and a random part (two instances writing at once never agree)."""
    cache = cache or _cache()
    if cache is None:
        return None
    generation = f"{clock():.6f}:{secrets.token_hex(4)}"
    # It only has to outlive the pages read in it; when it expires, the next reader starts anew.
    cache.set(GENERATION_KEY, generation, timeout=PAGE_SECONDS * 10)
    return generation


def _wrote():
    """A write of this process: every generation read before it is asked again."""
    global _writes
    with _seen_lock:
        _writes += 1


def _written_at(generation):
    return float(generation.partition(":")[0])


def after_write(http_response, **kwargs):
    """botocore's after-call event of a write (gallery.storage.dynamodb.connection registers it)."""
    if http_response.status_code >= 300:
        return  # refused (a failed condition, a cancelled transaction): nothing changed
    try:
        generation = new_generation()
        in_request = _request.get()
        if in_request is not None and generation is not None:
            in_request.written = generation  # for the browser's cookie (written_in_request)
    except Exception:  # the write succeeded; pages expire after PAGE_SECONDS
        logger.warning("List page cache not told of a write", exc_info=True)
    finally:
        # After the new generation is set: a read that starts after this asks and finds it.
        _wrote()
