"""moto patch 4: a DynamoDB Query looks at its candidate items only, not at the whole table.

moto 5.2.6's `Table.query` sorts every item of the table (as DynamoType objects) on every call, then
the matches again: a list page cost O(table). Here a base-table Query looks at the items of its
partition, and a Query on a global secondary index at the items indexed under its hash key (an index
kept per table and index, fed by every write and checked against the stored item on every use).
moto still applies every condition, filter, projection and page to those candidates itself.
"""

import bisect
import decimal
import threading


def item_slot(table, hash_key, range_key):
    """What moto stores under these keys (an Item, a dict of them, or None)."""
    bucket = table.items.get(hash_key)
    if range_key is None:
        return bucket
    return bucket.get(range_key) if bucket else None


_query = threading.local()


class _Unsortable(Exception):
    """A key attribute that is not a string or a number: let moto do that Query its own way."""


def _plain(value):
    """A DynamoType key value as a Python value that sorts as moto sorts it (S and N only)."""
    if value is None:
        raise _Unsortable
    if value.type == "S":
        return value.value
    if value.type == "N":
        return decimal.Decimal(value.value)
    raise _Unsortable


class GsiIndex:
    """The items of one global secondary index, by hash key values, each list sorted as moto sorts
    a Query's results (index keys, then the table's keys). Fed by every write; an entry is checked
    against the stored item when it is read, and dropped if stale (replaced, rolled back, changed)."""

    def __init__(self, table, index):
        schema = index.schema
        self.hash_names = tuple(key["AttributeName"] for key in schema if key["KeyType"] == "HASH")
        sort_names = [key["AttributeName"] for key in schema if key["KeyType"] == "RANGE"]
        sort_names += [name for name in (table.hash_key_attr, table.range_key_attr) if name]
        self.sort_names = tuple(dict.fromkeys(sort_names))
        self.table = table
        self.buckets = {}  # hash values -> sorted [(sort key, serial)]
        self.entries = {}  # serial -> item
        self.serial_of = {}  # id(item) -> (hash values, sort key, serial)
        self.serial = 0
        self.usable = True
        for item in _all_items_unsorted(table):
            self.note(item)

    def keys_of(self, item):
        attrs = item.attrs
        if not all(attrs.get(name) for name in self.hash_names + self.sort_names[:1]):
            return None  # not in this (sparse) index
        hash_values = tuple(attrs[name] for name in self.hash_names)
        return hash_values, tuple(_plain(attrs.get(name)) for name in self.sort_names)

    def note(self, item):
        if item is None or not self.usable:
            return
        self.forget(item)
        try:
            keys = self.keys_of(item)
        except _Unsortable:
            self.usable = False
            return
        if keys is None:
            return
        self.serial += 1
        hash_values, sort_key = keys
        bisect.insort(self.buckets.setdefault(hash_values, []), (sort_key, self.serial))
        self.entries[self.serial] = item
        self.serial_of[id(item)] = (hash_values, sort_key, self.serial)

    def forget(self, item):
        known = self.serial_of.pop(id(item), None) if item is not None else None
        if known is None:
            return
        hash_values, sort_key, serial = known
        self._drop(hash_values, sort_key, serial)

    def _drop(self, hash_values, sort_key, serial):
        self.entries.pop(serial, None)
        bucket = self.buckets.get(hash_values, [])
        position = bisect.bisect_left(bucket, (sort_key, serial))
        if position < len(bucket) and bucket[position] == (sort_key, serial):
            del bucket[position]

    def _live(self, hash_values, sort_key, serial):
        """The entry's item if it is still stored with these keys; else None, and the entry is
        forgotten (the caller removes it from the bucket)."""
        item = self.entries.get(serial)
        if item is not None and _is_stored(self.table, item):
            try:
                if self.keys_of(item) == (hash_values, sort_key):
                    return item
            except _Unsortable:
                pass
        if item is not None and self.serial_of.get(id(item), (None, None, None))[2] == serial:
            del self.serial_of[id(item)]
        self.entries.pop(serial, None)
        return None

    def items(self, hash_values, limit=None, start=None, forward=True):
        """The live items under these hash values in moto's order (reversed if not forward),
        after `start` (a sort key) if given, at most `limit`."""
        bucket = self.buckets.get(hash_values, [])
        if forward:
            first = bisect.bisect_right(bucket, (start, float("inf"))) if start is not None else 0
            positions = range(first, len(bucket))
        else:
            end = bisect.bisect_left(bucket, (start, -1)) if start is not None else len(bucket)
            positions = range(end - 1, -1, -1)
        found, stale = [], []
        for position in positions:
            sort_key, serial = bucket[position]
            item = self._live(hash_values, sort_key, serial)
            if item is None:
                stale.append((sort_key, serial))
                continue
            found.append(item)
            if limit is not None and len(found) >= limit:
                break
        for sort_key, serial in stale:  # dropped after the walk: the list is not changed under it
            self._drop(hash_values, sort_key, serial)
        return found


def _gsi_indexes(table):
    return table.__dict__.setdefault("_local_gsi", {})


def note_item(table, item):
    """Register an item (new, changed in place, or put back by a rollback) in the table's indexes."""
    for index in getattr(table, "_local_gsi", {}).values():
        index.note(item)


def _gsi_forget(table, item):
    for index in getattr(table, "_local_gsi", {}).values():
        index.forget(item)


def _gsi_candidates(table, index, conditions, limit, exclusive_start_key, forward):
    """The items a GSI Query has to look at, or None when moto must look at every item.

    With a limit (and no range condition, checked by the caller), only the page: limit + 1 items
    (one more tells moto there is a next page)."""
    indexes = _gsi_indexes(table)
    if index.name not in indexes:
        indexes[index.name] = GsiIndex(table, index)
    gsi = indexes[index.name]
    if not gsi.usable or set(conditions) != set(gsi.hash_names):
        return None
    hash_values = tuple(conditions[name] for name in gsi.hash_names)
    if limit is None:
        return gsi.items(hash_values)
    start = None
    if exclusive_start_key:
        from moto.dynamodb.models.dynamo_type import DynamoType

        try:
            start = tuple(_plain(DynamoType(exclusive_start_key[name])) for name in gsi.sort_names)
        except (_Unsortable, KeyError, TypeError, ValueError):
            return gsi.items(hash_values)
    return gsi.items(hash_values, limit + 1, start, forward)


def _is_stored(table, item):
    return item_slot(table, item.hash_key, item.range_key if table.range_key_attr else None) is item


def _stored_item(table, attrs):
    """The item a Put of these attributes would replace, if any (None if the Put is malformed)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_key = DynamoType(attrs[table.hash_key_attr])
        range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    except Exception:  # malformed: moto refuses the Put
        return None
    return item_slot(table, hash_key, range_key)


def _partition(table, hash_key):
    """The items with this hash key (what a base-table Query looks at)."""
    bucket = table.items.get(hash_key)
    if bucket is None:
        return []
    return list(bucket.values()) if table.range_key_attr else [bucket]


def _all_items_unsorted(table):
    if table.range_key_attr:
        return [item for bucket in table.items.values() for item in bucket.values()]
    return list(table.items.values())


def fast_queries():
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_all_items = Table.all_items

    def all_items(self):
        candidates = getattr(_query, "candidates", None)
        if candidates is not None:
            _query.candidates = None
            return candidates  # moto sorts what it keeps by the full key (unique) itself
        return original_all_items(self)

    def query(
        self, hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward,
        projection_expressions, index_name=None, consistent_read=False, filter_expression=None,
        hash_key_conditions=None, range_key_conditions=None, **filter_kwargs,
    ):  # fmt: skip
        candidates = None
        if index_name is None and hash_key is not None:
            candidates = _partition(self, hash_key)
        elif index_name is not None and hash_key_conditions:
            index = next((i for i in self.global_indexes or [] if i.name == index_name), None)
            if index is not None:
                paged = limit and not (range_comparison or range_key_conditions or filter_kwargs)
                candidates = _gsi_candidates(
                    self, index, dict(hash_key_conditions), limit if paged else None,
                    exclusive_start_key, scan_index_forward is not False,
                )  # fmt: skip
        _query.candidates = candidates
        try:
            return original_query(
                self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                scan_index_forward, projection_expressions, index_name, consistent_read, filter_expression,
                hash_key_conditions=hash_key_conditions, range_key_conditions=range_key_conditions,
                **filter_kwargs,
            )  # fmt: skip
        finally:
            _query.candidates = None

    # Why: moto's Table.query sorts every item of the table on every call.
    Table.query = query
    Table.all_items = all_items

    # Every way an item enters a table, leaves it or changes in place feeds the GSI indexes.
    original_put = Table.put_item
    original_delete = Table.delete_item

    def put_item(self, item_attrs, *args, **kwargs):
        before = _stored_item(self, item_attrs)
        item = original_put(self, item_attrs, *args, **kwargs)
        if before is not None and before is not item:
            _gsi_forget(self, before)
        note_item(self, item)
        return item

    def delete_item(self, hash_key, range_key):
        item = original_delete(self, hash_key, range_key)
        _gsi_forget(self, item)
        return item

    Table.put_item = put_item
    Table.delete_item = delete_item
    original_update = models.DynamoDBBackend.update_item

    def update_item(self, table_name, *args, **kwargs):
        item = original_update(self, table_name, *args, **kwargs)
        note_item(self.get_table(table_name), item)
        return item

    models.DynamoDBBackend.update_item = update_item
