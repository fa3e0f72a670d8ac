"""Whether the lists and counters agree with the photo items, and their repair (`manage.py
reconcile`, gallery.services.reconcile).

The photo item is the truth. Each photo's cards must be exactly schema.card_items(photo): one per
list it belongs to (one per search token in the word lists), carrying its current title, tags
and visibility. Cards of lists that no longer exist (TITLE#, before word search) are stale too:
`manage.py reindex` (gallery.services.reconcile.reindex) rewrites only these. Each tag counter must equal
the number of public photos with the tag (its TAG#<tag> cards), each owner counter the number of
the owner's ready photos (their OWNER#<id> cards). Counters can drift (counters.py: they are
updated after the photo's transaction), cards should not, but a bug or a hand edit may leave them
wrong. Key formats and the kinds of items are gallery.storage.dynamodb.model's; album entries and
memberships are judged against its rules too (album_problems).

Writes in flight while the table is scanned can be judged wrong (a counter whose ADD has not
arrived yet); the repairs are conditional on what was read, and a later run judges again.
"""

import collections
import logging
from dataclasses import dataclass

from botocore.exceptions import ClientError

from gallery.domain.access import visible_to
from gallery.domain.lists import counted_photos, counted_tags
from gallery.domain.records import READY
from gallery.storage.dynamodb import model, schema
from gallery.storage.dynamodb.connection import get_connection, translate_errors
from gallery.storage.dynamodb.errors import AlbumChanged, PhotoChanged
from gallery.storage.dynamodb.transactions import Transaction, same_revision

logger = logging.getLogger(__name__)


def stale_lists(scan):
    """Ids of the photos whose cards are not exactly those their item calls for, sorted."""
    return sorted(
        photo_id
        for photo_id, photo in scan.photos.items()
        if scan.cards.get(photo_id, {}) != {card["sk"]: card for card in schema.card_items(photo)}
    )


def wrong_counts(scan):
    """[(counter sk, stored count, true count)] of every counter that is off, sorted."""
    tags = collections.Counter(tag for photo in scan.photos.values() for tag in counted_tags(photo))
    owners = collections.Counter()
    for photo in scan.photos.values():
        owners[photo.owner_id] += counted_photos(photo)  # a processing or failed photo counts 0
    truth = {schema.tag_count_key(tag)["sk"]: count for tag, count in tags.items()}
    truth |= {schema.owner_count_key(owner)["sk"]: count for owner, count in owners.items()}
    stored = {sk: schema.count_of(item) for sk, item in scan.counters.items()}
    return sorted(
        (sk, stored.get(sk, 0), truth.get(sk, 0))
        for sk in truth.keys() | stored.keys()
        if stored.get(sk, 0) != truth.get(sk, 0)
    )


def rewrite_cards(photo, cards):
    """Write the photo's cards from its item and delete any other card (`cards`: the sort keys
    found), in one transaction conditional on the revision scanned. Returns False if the photo
    changed meanwhile (its own write has made its cards right)."""
    connection = get_connection()
    write = Transaction(connection.table_name)
    write.put(schema.photo_item(photo), **same_revision(photo))  # unchanged: carries the condition
    expected = schema.card_items(photo)
    for card in expected:
        write.put(card)
    for sk in set(cards) - {card["sk"] for card in expected}:
        write.delete({"pk": schema.photo_pk(photo.id), "sk": sk})
    with translate_errors():
        try:
            connection.client.transact_write_items(TransactItems=write.actions)
        except ClientError as error:
            if write.condition_failed(error.response.get("CancellationReasons") or []):
                return False
            raise
    logger.warning("reconcile: rewrote the list cards of photo %s", photo.id)
    return True


def set_count(sk, stored, true):
    """Set a counter to its true count, if it still holds the count read. Returns False if an
    upload, edit or delete counted meanwhile (the next run judges it again)."""
    tag = model.TAG_COUNT.parts({"pk": model.TAG_COUNT.pk, "sk": sk})
    pk = model.TAG_COUNT.pk if tag else model.OWNER_COUNT.pk
    update = {
        "Key": {"pk": pk, "sk": sk},
        "UpdateExpression": "SET photo_count = :true",
        "ConditionExpression": "attribute_not_exists(photo_count) OR photo_count = :stored",
        "ExpressionAttributeValues": {":true": true, ":stored": stored},
    }
    if tag:
        update["UpdateExpression"] += ", tag = :tag"
        update["ExpressionAttributeValues"][":tag"] = tag["tag"]
    table = get_connection().table
    with translate_errors():
        try:
            table.update_item(**update)
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    logger.warning("reconcile: set counter %s from %d to %d", sk, stored, true)
    return True


def hidden_favorites(scan):
    """[(photo id, user id)] of favourites whose user may no longer see the photo (it turned
    private and the removal that follows the edit did not happen), sorted."""
    return sorted(
        (photo_id, fan_id)
        for photo_id, fans in scan.favorites.items()
        if photo_id in scan.photos
        for fan_id in fans
        if not visible_to(scan.photos[photo_id], fan_id)
    )


def misplaced_favorites(scan):
    """Ids of the photos with a favourite listed while the photo is in the trash, or unlisted
    while it is not (a crash between a trash or a restore and its favourites' follow-up), sorted.
    The repair is that follow-up: favorites.follow_edit of the photo."""
    return sorted(
        photo_id
        for photo_id, fans in scan.favorites.items()
        if photo_id in scan.photos
        and any(("list_pk" in item) == bool(scan.photos[photo_id].trashed_at) for item in fans.values())
    )


def wrong_favorite_counts(scan):
    """[(photo id, stored count, true count)] of the photos whose favourite count is off."""
    return sorted(
        (photo_id, scan.favorite_counts.get(photo_id, 0), len(scan.favorites.get(photo_id, {})))
        for photo_id in scan.photos
        if scan.favorite_counts.get(photo_id, 0) != len(scan.favorites.get(photo_id, {}))
    )


def set_favorite_count(photo_id, stored, true):
    """Set a favourite count to its true value if it still holds the count read."""
    table = get_connection().table
    with translate_errors():
        try:
            table.update_item(
                Key=schema.favorite_count_key(photo_id),
                UpdateExpression="SET favorite_count = :true",
                ConditionExpression="attribute_not_exists(favorite_count) OR favorite_count = :stored",
                ExpressionAttributeValues={":true": true, ":stored": stored},
            )
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
    logger.warning("reconcile: set the favourite count of %s from %d to %d", photo_id, stored, true)
    return True


def wrong_note_counts(scan):
    """[(user id, stored unread count, true count)] of the recipients whose count is off."""
    users = set(scan.unread_notes) | set(scan.note_counts)
    return sorted(
        (int(user_id), scan.note_counts.get(user_id, 0), scan.unread_notes.get(user_id, 0))
        for user_id in users
        if scan.note_counts.get(user_id, 0) != scan.unread_notes.get(user_id, 0)
    )


# --- albums: entries, memberships and admin cards (model.MEMBERSHIP, ENTRY, ALBUM_CARD) -----------
@dataclass(frozen=True, order=True)
class AlbumProblem:
    """Something of an album that breaks its declared invariants, and its repair: "drop" removes
    the entry and the membership (the photo leaves the album), "refresh" rewrites the entry from
    its photo, "card" writes the admin card from the album, "drop_card" removes an orphan card."""

    album_id: str
    photo_id: str
    what: str
    repair: str


def album_problems(scan):
    """Every AlbumProblem of the scanned table, sorted."""
    problems = []
    entries = {
        (album_id, model.ENTRY.parts(item)["photo_id"]): item
        for album_id, items in scan.entries.items()
        for item in items
    }
    memberships = {
        (album_id, photo_id): item
        for photo_id, by_album in scan.memberships.items()
        for album_id, item in by_album.items()
    }
    for album_id, photo_id in sorted(entries.keys() | memberships.keys()):
        problem = _pair_problem(
            scan, album_id, photo_id, entries.get((album_id, photo_id)), memberships.get((album_id, photo_id))
        )
        if problem:
            problems.append(AlbumProblem(album_id, photo_id, *problem))
    for album_id, items in scan.entries.items():
        positions = [item["position"] for item in items]
        if len(set(positions)) != len(positions):
            problems.append(AlbumProblem(album_id, "", "two photos at one position", "report"))
    for album_id in scan.albums.keys() | scan.album_cards.keys():
        album, card = scan.albums.get(album_id), scan.album_cards.get(album_id)
        if album is None:
            problems.append(AlbumProblem(album_id, "", "admin card of a missing album", "drop_card"))
        elif card is None or _without_keys(card) != _without_keys(schema.album_card_item(album)):
            problems.append(AlbumProblem(album_id, "", "admin card not matching its album", "card"))
    return sorted(problems)


def _pair_problem(scan, album_id, photo_id, entry, membership):
    """(what, repair) for one photo's entry and membership in one album, or None when right."""
    album, photo = scan.albums.get(album_id), scan.photos.get(photo_id)
    if photo is not None and photo.trashed_at and entry is None and membership is not None:
        # In the trash: the membership keeps its place and has no entry; one of an album deleted
        # meanwhile is dropped by the restore (gallery.storage.dynamodb.trash).
        return None
    if album is None:
        return "entry or membership of a missing album", "drop"
    if photo is None:
        return "entry of a missing photo", "drop"
    if photo.trashed_at:
        return "entry of a photo in the trash", "drop"
    if entry is None or membership is None:
        return "entry without its membership or membership without its entry", "drop"
    if entry["position"] != membership["position"]:
        return "entry and membership at different positions", "drop"
    if photo.owner_id != album.owner_id or photo.status != READY:
        return "a photo that is not its owner's ready photo", "drop"
    if schema.card_from_item(entry) != photo.card:
        return "entry not matching its photo", "refresh"
    return None


def _without_keys(item):
    # As read back: numbers are Decimal; compared as the record they encode.
    return schema.album_from_item(item), item.get("list_pk"), item.get("list_sk")


def repair_album(scan, problem):
    """Repair one AlbumProblem, conditional on what was scanned (a photo that changed meanwhile
    is left for the next run). Returns True if something was written."""
    write = Transaction()
    photo = scan.photos.get(problem.photo_id)
    if problem.repair == "drop":
        for item in scan.entries.get(problem.album_id, []):
            if item["id"] == problem.photo_id:
                write.delete(item)
        membership = scan.memberships.get(problem.photo_id, {}).get(problem.album_id)
        if membership is not None:
            write.delete(membership)
            if photo is not None:
                write.touch_photo(photo)  # an edit that read the membership then retries
    elif problem.repair == "refresh":
        for item in scan.entries[problem.album_id]:
            if item["id"] == problem.photo_id:
                write.put(schema.entry_item(problem.album_id, item["position"], photo))
        write.check(schema.photo_key(photo.id), **same_revision(photo))
    elif problem.repair == "card":
        write.put(schema.album_card_item(scan.albums[problem.album_id]))
        write.check(schema.album_key(problem.album_id), **same_revision(scan.albums[problem.album_id]))
    elif problem.repair == "drop_card":
        write.delete(schema.album_card_key(problem.album_id))
    else:
        return False
    try:
        write.commit()
    except (PhotoChanged, AlbumChanged):
        return False
    logger.warning(
        "reconcile: %s in album %s (photo %s): %s",
        problem.what,
        problem.album_id,
        problem.photo_id,
        problem.repair,
    )
    return True
