from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def media_url(key):
    """URL of a stored object: presigned for a private bucket, plain for a public one or a CDN."""
    return default_storage.url(key)
