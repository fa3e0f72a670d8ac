from django import template

from gallery.media_urls import media_urls

register = template.Library()


@register.filter
def media_url(key):
    """URL of a stored object: presigned for a private bucket (and reused for a while, see
    gallery.media_urls), plain for a public one or a CDN."""
    return media_urls().url(key)
