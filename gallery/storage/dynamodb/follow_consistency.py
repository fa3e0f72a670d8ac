"""Whether follow counts and feeds agree with the follow items and the photos, and their repair
(`manage.py reconcile`, gallery.services.reconcile).

The FOLLOWER# items are the truth of who follows whom. A person's counts (model.FOLLOW_COUNT)
must equal their FOLLOWER# items either way; they drift when a process dies between a follow's
write and its ADD (follows.add_follow). A feed entry (model.FEED_ENTRY) is derived data: it must
name an existing photo in its owner's public list, of someone the feed's reader follows, with the
photo's current card; a wide mark (model.FEED_WIDE) a person the reader follows who is marked
wide. Anything else is stale and safe to remove (the worker's next feed_sync, or a follow's
backfill, writes what belongs); an entry whose card is only out of date is rewritten.

Items of no declared kind never reach these checks (TableScan.unknown): they are only reported.
"""

import logging
from dataclasses import asdict, dataclass

from gallery.domain.follows import in_feed
from gallery.storage.dynamodb import follows, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors

logger = logging.getLogger(__name__)

REWRITE, REMOVE = "rewrite", "remove"


@dataclass(frozen=True)
class FeedProblem:
    follower_id: int
    sk: str
    what: str  # why it is stale, for the report
    repair: str  # REWRITE (its card is out of date) or REMOVE


def wrong_follow_counts(scan):
    """[(user id, (followers, following) stored, (followers, following) true)] of every person
    whose counts item disagrees with the FOLLOWER# items, sorted."""
    truth = {}
    for follower_id, followee_id in scan.follows:
        followers, following = truth.get(followee_id, (0, 0))
        truth[followee_id] = (followers + 1, following)
        followers, following = truth.get(follower_id, (0, 0))
        truth[follower_id] = (followers, following + 1)
    stored = {user_id: _stored_counts(item) for user_id, item in scan.follow_counts.items()}
    return sorted(
        (user_id, stored.get(user_id, (0, 0)), truth.get(user_id, (0, 0)))
        for user_id in truth.keys() | stored.keys()
        if stored.get(user_id, (0, 0)) != truth.get(user_id, (0, 0))
    )


def _stored_counts(item):
    return int(item.get("followers", 0)), int(item.get("following", 0))


def feed_problems(scan):
    """[FeedProblem] of every feed entry and wide mark that its reader's follows and the photos
    do not call for, sorted."""
    problems = []
    for follower_id, entries in scan.feed_entries.items():
        for sk, item in entries.items():
            what = _entry_problem(scan, follower_id, item)
            if what:
                repair = REWRITE if what == "out-of-date card" else REMOVE
                problems.append(FeedProblem(follower_id, sk, what, repair))
    for follower_id, followee_id in scan.wide_marks:
        if (follower_id, followee_id) not in scan.follows:
            what = f"wide mark of user {followee_id}, not followed"
        elif not scan.follow_counts.get(followee_id, {}).get("wide"):
            what = f"wide mark of user {followee_id}, who is not wide"
        else:
            continue
        problems.append(
            FeedProblem(follower_id, follows.wide_key(follower_id, followee_id)["sk"], what, REMOVE)
        )
    return sorted(problems, key=lambda problem: (problem.follower_id, problem.sk))


def _entry_problem(scan, follower_id, item):
    photo = scan.photos.get(item.get("id"))
    if photo is None:
        return "photo gone"
    if (follower_id, photo.owner_id) not in scan.follows:
        return f"owner {photo.owner_id} not followed"
    if not in_feed(photo):
        return "photo not public"
    if item["sk"] != f"{photo.created}#{photo.id}":
        return "at the wrong place"
    wide_since = scan.follow_counts.get(photo.owner_id, {}).get("wide")
    if wide_since and photo.created > wide_since:
        return "photo of a wide person, merged at read time"
    if schema.card_from_item(item) != photo.card:
        return "out-of-date card"
    return None


def set_follow_counts(user_id, stored, true):
    """Set a person's counts to the FOLLOWER# items' numbers, if they still hold what was read
    (a follow meanwhile moved them: the next run judges again). Other attributes (wide, the
    feed's size) are kept. Returns whether it was set."""
    condition = (
        "(attribute_not_exists(followers) OR followers = :f0) AND "
        "(attribute_not_exists(following) OR following = :g0)"
    )
    table = get_connection().table
    with translate_errors():
        try:
            table.update_item(
                Key=follows.counts_key(user_id),
                UpdateExpression="SET followers = :f, following = :g",
                ConditionExpression=condition,
                ExpressionAttributeValues={":f": true[0], ":g": true[1], ":f0": stored[0], ":g0": stored[1]},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    logger.warning("reconcile: set user %s's follow counts from %s to %s", user_id, stored, true)
    return True


def repair_feeds(scan, problems):
    """Rewrite out-of-date entries with their photo's card; remove the rest (derived data: the
    worker writes again whatever belongs)."""
    removals, rewrites = [], []
    for problem in problems:
        key = {"pk": follows.feed_pk(problem.follower_id), "sk": problem.sk}
        if problem.repair == REWRITE:
            item = scan.feed_entries[problem.follower_id][problem.sk]
            photo = scan.photos[item["id"]]
            rewrites.append({**item, "photo_revision": photo.revision, **asdict(photo.card)})
        else:
            removals.append(key)
        logger.warning(
            "reconcile: %s feed item %s %s (%s)", problem.repair, key["pk"], key["sk"], problem.what
        )
    follows.put_items(rewrites)
    follows.delete_keys(removals)
