"""Reading a JSON request body: the one parser of every endpoint, and the photo's details as
the site's form takes them."""

import json

from django import forms
from django.utils.translation import gettext as _

from gallery.web.errors import ApiError
from gallery.web.forms import PhotoChangeForm, PhotoDetailsForm

# What a photo's JSON may say of it: the form's fields, and of them the ones that are true or false;
# a photo that exists may also be told when it was taken.
PHOTO_DETAIL_FIELDS = tuple(PhotoDetailsForm.base_fields)
PHOTO_CHANGE_FIELDS = tuple(PhotoChangeForm.base_fields)
_BOOLEAN_FIELDS = {
    name for name, field in PhotoDetailsForm.base_fields.items() if isinstance(field, forms.BooleanField)
}


def json_object(request, allowed=None, unknown_message=None):
    """The body as a dict, whose keys are among the `allowed` fields when given; 400 naming what
    is wrong. Malformed, deeply nested or non-UTF-8 JSON, or JSON that is not an object: the same
    400. Values are checked by `require_strings` once the caller has converted what it accepts
    otherwise (the photo's tags as a list)."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: deeply nested arrays
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, errors={"body": [_("Send a JSON object.")]})
    unknown = sorted(set(data) - set(allowed)) if allowed is not None else []
    if unknown:
        raise ApiError(400, errors={name: [unknown_message or _("Unknown field.")] for name in unknown})
    return data


def whole_number(value):
    """`value` as an int when it is a whole number as JSON Schema counts one (1000 and 1000.0
    alike: some encoders write every number with a point), else None (true and false too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def require_strings(data):
    wrong_type = sorted(name for name, value in data.items() if not isinstance(value, str))
    if wrong_type:
        raise ApiError(400, errors={name: [_("Must be a string.")] for name in wrong_type})
    return data


def photo_details(request, unknown_message=None, fields=PHOTO_DETAIL_FIELDS):
    """The photo's details in the body, as PhotoDetailsForm's data (PhotoChangeForm's with
    `fields` PHOTO_CHANGE_FIELDS): only its fields, tags as a list or as text, each value a
    string but `share_original` (true or false)."""
    details = json_object(request, fields, unknown_message)
    if isinstance(details.get("tags"), list):
        details["tags"] = ", ".join(str(tag) for tag in details["tags"])
    return require_types(details, _BOOLEAN_FIELDS)


def require_types(data, booleans):
    """`data` if each value is a string, but those named in `booleans`: true or false; else 400."""
    wrong_type = {
        name: [_("Must be true or false.")] if name in booleans else [_("Must be a string.")]
        for name, value in data.items()
        if not isinstance(value, bool if name in booleans else str)
    }
    if wrong_type:
        raise ApiError(400, errors=dict(sorted(wrong_type.items())))
    return data
