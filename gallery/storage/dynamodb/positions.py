"""Positions of photos in an album: strings whose byte order is the album's order.

A new position can always be made between two others, so moving a photo rewrites that photo's
entry alone, never its neighbours (fractional indexing, as in Figma or rocicorp's
fractional-indexing). Digits are 0-9A-Za-z, whose ASCII order is their value; a position
never ends in "0", so there is always room before it.

Appending uses a fixed-width counter head ("000001V", "000002V", ...): a long album grows by
one digit per 62**6 photos, whereas midpoints towards "the end" would add a digit every six
appends.
"""

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE = len(DIGITS)
_HEAD = 6
_MIDDLE = DIGITS[_BASE // 2]


def after(last):
    """A position after `last` (None: the album is empty)."""
    if last is None:
        return _counter(1)
    head = last[:_HEAD].ljust(_HEAD, "0")
    number = _value(head) + 1
    if number >= _BASE**_HEAD:  # the counter is spent: a midpoint still sorts after
        return between(last, None)
    return _counter(number)


def between(before, later):
    """A position strictly between `before` and `later`; "" is before all, None after all."""
    if later is not None and before >= later:
        raise ValueError(f"{before!r} is not before {later!r}")
    if later is not None:
        # Keep the common prefix (with `before` read as padded by zeros), decide after it.
        common = 0
        while common < len(later) and (before[common] if common < len(before) else "0") == later[common]:
            common += 1
        if common:
            return later[:common] + between(before[common:], later[common:])
    low = DIGITS.index(before[0]) if before else 0
    high = DIGITS.index(later[0]) if later is not None else _BASE
    if high - low > 1:
        return DIGITS[(low + high) // 2]
    if later is not None and len(later) > 1:
        return later[0]  # the shorter string sorts before `later` and after `before`
    return DIGITS[low] + between(before[1:], None)


def _counter(number):
    digits = []
    for _ in range(_HEAD):
        number, digit = divmod(number, _BASE)
        digits.append(DIGITS[digit])
    return "".join(reversed(digits)) + _MIDDLE


def _value(text):
    number = 0
    for char in text:
        number = number * _BASE + DIGITS.index(char)
    return number
