"""Reading a JSON request body and writing a page's `next` link: what every resource does alike."""

import json

from django.utils.translation import gettext as _

from gallery.web.errors import ApiError


def json_object(request, allowed, unknown_message=None):
    """The body as a dict whose keys are among the `allowed` fields; 400 naming what is wrong.
    Values are checked by `require_strings` once the caller has converted what it accepts
    otherwise (the photo's tags as a list)."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: deeply nested arrays
        raise ApiError(400, errors={"body": [_("Send a JSON object.")]}) from None
    if not isinstance(data, dict):
        raise ApiError(400, errors={"body": [_("Send a JSON object.")]})
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApiError(400, errors={name: [unknown_message or _("Unknown field.")] for name in unknown})
    return data


def require_strings(data):
    wrong_type = sorted(name for name, value in data.items() if not isinstance(value, str))
    if wrong_type:
        raise ApiError(400, errors={name: [_("Must be a string.")] for name in wrong_type})
    return data


def next_url(request, cursor):
    """This request's URL with `cursor` in place of its own, or None on the last page."""
    if not cursor:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
