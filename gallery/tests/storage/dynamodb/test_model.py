"""gallery.storage.dynamodb.model: every item kind declared once; its key patterns build keys and
recognise items alike, each key of one kind only; the docs' table of kinds is the declaration's."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from gallery.domain.comments import Comment
from gallery.domain.tags import parse_tags
from gallery.storage.dynamodb import comments, follows, model, notifications, schema
from gallery.tests.factories import make_album, make_photo

IDS = st.text("0123456789abcdef", min_size=32, max_size=32)
USER_IDS = st.integers(1, 10**9)
# What a tag can be (tags.parse_tags: letters and digits of any script, "_", "-").
TAGS = st.text(st.characters(categories=["L", "N"]) | st.sampled_from("_-"), min_size=1, max_size=20).filter(
    lambda text: parse_tags(text) == [text]
)
POSITIONS = st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


def test_the_docs_show_the_declared_kinds():
    docs = (Path(__file__).parents[4] / "docs" / "architecture.md").read_text()
    table = docs.split("<!-- item kinds: begin -->\n")[1].split("\n<!-- item kinds: end -->")[0]
    assert table == model.kinds_table()


@given(photo_id=IDS, album_id=IDS, user_id=USER_IDS, tag=TAGS, position=POSITIONS)
def test_every_key_built_is_recognised_as_its_own_kind_with_its_parts(
    photo_id, album_id, user_id, tag, position
):
    built = {
        model.PHOTO: schema.photo_key(photo_id),
        model.FAVORITE: schema.fan_key(photo_id, user_id),
        model.FAVORITE_COUNT: schema.favorite_count_key(photo_id),
        model.MEMBERSHIP: schema.membership_key(photo_id, album_id),
        model.TAG_COUNT: schema.tag_count_key(tag),
        model.OWNER_COUNT: schema.owner_count_key(user_id),
        model.ALBUM: schema.album_key(album_id),
        model.ENTRY: schema.entry_key(album_id, position, photo_id),
        model.ALBUM_CARD: schema.album_card_key(album_id),
        model.FOLLOW: follows.follow_key(user_id, user_id + 1),
        model.FOLLOW_COUNT: follows.counts_key(user_id),
        model.FEED_WIDE: follows.wide_key(user_id, user_id + 1),
        model.FEED_ENTRY: follows.feed_key(user_id, "2026-01-01T00:00:00.000000+00:00", photo_id),
        model.COMMENT: comments.comment_key(photo_id, "0" * 12 + photo_id[:8]),
        model.NOTE: notifications.note_key(user_id, "0" * 12 + photo_id[:8]),
        model.NOTE_COUNT: notifications.count_key(user_id),
    }
    for kind, key in built.items():
        found, parts = model.kind_of(key)
        assert found is kind, (kind.name, key)
        assert kind.key(**parts) == key
    assert model.kind_of(schema.entry_key(album_id, position, photo_id))[1] == {
        "album_id": album_id,
        "position": position,
        "photo_id": photo_id,
    }


def test_every_item_the_codec_writes_is_of_a_declared_kind():
    photo, album = make_photo(1, tags=["sea", "서울"], title="Sunny sunset"), make_album(2)
    items = [
        schema.photo_item(photo),
        *schema.card_items(photo),
        schema.fan_item(photo, 7, "2026-01-01T00:00:00"),
        schema.membership_item(photo.id, album.id, "000001V"),
        schema.album_item(album),
        schema.album_card_item(album),
        schema.entry_item(album.id, "000001V", photo),
        follows.follow_item(7, 8, "2026-01-01T00:00:00"),
        follows.feed_item(7, photo),
        comments.comment_item(
            Comment(photo_id=photo.id, key="1" * 20, author_id=7, author="bob", text="hi", created="x")
        ),
    ]
    kinds = [model.kind_of(item)[0] for item in items]

    assert None not in kinds
    assert {kind.name for kind in kinds} >= {"photo", "list card", "favourite", "album", "album entry"}
    assert [kind for kind in kinds if kind is model.CARD] == [model.CARD] * len(schema.card_items(photo))


def test_an_item_of_another_shape_is_of_no_kind():
    for key in (
        {"pk": "PHOTO#1", "sk": "COMMENT#1"},
        {"pk": "FOLLOWS#1", "sk": "USER#2"},
        {"pk": "TAGS", "sk": "X"},
    ):
        assert model.kind_of(key) == (None, {})
