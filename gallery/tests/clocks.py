"""A clock the tests move by hand: nothing in a test depends on the wall clock."""


class FakeClock:
    """gallery.services.ratelimit's clock, still unless a test moves it."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds
