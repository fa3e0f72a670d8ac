"""A refused form in the API's words: {field: [message, ...]} for programs, and the same in one
sentence for a person."""

from django.core.exceptions import NON_FIELD_ERRORS

from gallery.web.errors import ApiError


def invalid(form):
    """The 400 of a form that did not validate."""
    return ApiError(400, form_message(form), errors=form_errors(form))


def form_errors(form):
    """{field: [message, ...]}: a form's errors as the API answers them."""
    return {
        name: [error["message"] for error in errors] for name, errors in form.errors.get_json_data().items()
    }


# Their messages speak of what is wrong on their own ("The file is not an image…").
_UNLABELLED = {NON_FIELD_ERRORS, "image"}


def form_message(form):
    """A form's errors in one sentence for a person: each message after its field's label
    ("Title: This field is required."), never a field's name in the API ("image: …")."""
    return " ".join(
        message if name in _UNLABELLED or name not in form.fields else f"{form[name].label}: {message}"
        for name, messages in form_errors(form).items()
        for message in messages
    )
