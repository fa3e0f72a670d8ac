"""How a process that decodes large images gives their memory back (glibc's malloc).

glibc serves allocations above a threshold with their own mmap, and raises that threshold up to
32 MB after the first such block is freed: Pillow's image blocks (16 MB) then come from the heap,
and a decode freed in its middle stays in the process (a worker's RSS grew by the 12-20 MB of
each released full-size decode). A fixed threshold keeps every large block mmapped and returned
at once. Pillow only in spirit: no Django; a no-op where the C library is not glibc.
"""

import ctypes
import ctypes.util

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
# glibc's own starting value: blocks of image rows and more are mmapped; small objects are not.
MMAP_THRESHOLD = 128 * 1024


def return_large_blocks():
    """Fix glibc's mmap threshold for this process; True if it took effect."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):  # musl, macOS: no mallopt, nothing to fix
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
