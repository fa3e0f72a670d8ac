"""The library the templates load (`{% load gallery_tags %}`): the work is in gallery.web's
links, cards and display modules; this only registers it."""

from django import template

from gallery.domain import notifications as rules
from gallery.services import notifications
from gallery.web import archive_status, avatars, cards, comment_text, display, fixed, links, pictures
from gallery.web.forms.notifications import DigestForm
from gallery.web.views import batch

register = template.Library()

for module, names in (
    (links, ("photo_url", "user_url", "tag_url")),
    (display, ("media_url", "exif_date", "month_label", "as_datetime", "visibility_label", "preview_text")),
    (display, ("is_private", "is_unlisted", "is_processing")),
    (comment_text, ("comment_html",)),
):
    for name in names:
        register.filter(name, getattr(module, name))
register.simple_tag(cards.photo_cards)
register.simple_tag(pictures.picture)
register.simple_tag(takes_context=True)(links.card_link)
register.simple_tag(links.site_url)
register.tag("fixed", fixed.fixed)
register.simple_tag(takes_context=True)(links.absolute_url)
register.simple_tag(batch.visibility_choices)
register.simple_tag(takes_context=True)(archive_status.latest_export)


@register.inclusion_tag("gallery/notifications/_bell.html", takes_context=True)
def notification_bell(context):
    """The header's bell: the signed-in user's unread count (one GetItem)."""
    unread = notifications.unread_count(context["user"])
    return {"unread": unread, "unread_shown": rules.badge(unread)}


@register.inclusion_tag("gallery/notifications/_digest_form.html", takes_context=True)
def digest_form(context):
    """The profile page's digest choice (its own form: gallery.web.views.notifications.digest)."""
    user = context["user"]
    return {
        "form": DigestForm(initial={"digest": notifications.digest_of(user)}),
        "csrf_token": context.get("csrf_token"),
    }


register.simple_tag(avatars.avatar_img)
register.simple_tag(avatars.avatar_of)
register.simple_tag(avatars.author_avatars)
register.simple_tag(avatars.avatar_in)
