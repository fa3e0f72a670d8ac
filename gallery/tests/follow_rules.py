"""The invariant machine's follow rules (test_invariants.UseCases mixes them in): follow and
unfollow between the machine's users, and the worker's feed jobs. What must hold: the follow
items are those the machine made, the counts equal them, and once the worker ran every feed
holds exactly the followed people's photos that are ready, public and out of the trash, each
with its photo's current card."""

import collections
from unittest import mock

from hypothesis import strategies as st
from hypothesis.stateful import rule

from gallery.domain import follows as rules
from gallery.domain.records import PUBLIC, READY
from gallery.services import follows, worker
from gallery.storage.dynamodb.schema import card_from_item, photo_from_item

FEED_JOBS = {rules.FEED_SYNC, rules.FEED_FOLLOW, rules.FEED_UNFOLLOW}


class FollowRules:
    """Needs self.expected (invariants.Expected, its `follows`) and self._user (UseCases)."""

    @rule(follower=st.integers(0, 1), add=st.booleans())
    def follow(self, follower, add):
        user, other = self._user(follower), self._user(follower + 1)
        if add:
            blocked = {(user.pk, other.pk), (other.pk, user.pk)} & set(self._blocks())
            try:
                follows.follow(user, other)
            except rules.CannotFollow:
                assert blocked, "only a block stops a follow"
                return
            assert not blocked, "a block stops a follow either way"
            self.expected.follows.add((user.pk, other.pk))
        else:
            follows.unfollow(user, other)
            self.expected.follows.discard((user.pk, other.pk))

    def run_jobs(self):
        """Every queued job run; the names of those that ran (feed jobs and the others)."""
        names = []
        real = worker.run_job

        def counting(job):
            names.append(job.body.get("job"))
            return real(job)

        with mock.patch.object(worker, "run_job", counting):
            worker.work(wait_seconds=0, until_empty=True)
        return names


def other_jobs(names):
    return [name for name in names if name not in FEED_JOBS]


def check_follows(items, expected, *, settled):
    """The follow items and counts say what the machine did; once the worker ran (`settled`),
    each feed holds what its reader's follows call for."""
    pairs = {(int(item["follower_id"]), int(item["followee_id"])) for item in items["follow"]}
    assert pairs == expected.follows, "follows"
    truth = collections.Counter()
    for follower, followee in pairs:
        truth[(followee, "followers")] += 1
        truth[(follower, "following")] += 1
    stored = collections.Counter()
    for item in items["follow counts"]:
        user_id = int(item["pk"].removeprefix("PERSON#"))
        for name in ("followers", "following"):
            stored[(user_id, name)] = int(item.get(name, 0))
    assert +stored == +truth, "follow counts"
    if not settled:
        return
    photos = {item["id"]: photo_from_item(item) for item in items["photo"]}
    feeds = collections.defaultdict(dict)
    for item in items["feed entry"]:
        feeds[int(item["pk"].removeprefix("FEED#"))][item["id"]] = item
    for follower in {follower for follower, _ in pairs} | set(feeds):
        followed = {followee for who, followee in pairs if who == follower}
        want = {
            photo_id
            for photo_id, photo in photos.items()
            if photo.owner_id in followed
            and photo.status == READY
            and photo.visibility == PUBLIC
            and not photo.trashed_at
        }
        assert set(feeds[follower]) == want, f"feed of {follower}"
        for photo_id, item in feeds[follower].items():
            assert card_from_item(item) == photos[photo_id].card, f"stale feed copy of {photo_id}"
    assert items["feed wide mark"] == [], "nobody is over the fan-out limit here"
