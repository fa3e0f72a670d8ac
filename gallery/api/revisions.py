"""Conditional changes: a record's revision as its ETag, and the revision an If-Match asks to
change (photos and albums alike)."""


def etag(record):
    """The record's revision as an entity tag: what If-Match sends back to change that revision."""
    return f'"{record.revision}"'


def if_match_revision(request, record, changed):
    """The revision a change is conditional on: the If-Match one (raises `changed(record.id)`, a
    409, when it is not the record's), or without If-Match the one just read."""
    header = request.headers.get("If-Match")
    if header is None:
        return record.revision
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" in tags or etag(record) in tags:
        return record.revision
    raise changed(record.id)
