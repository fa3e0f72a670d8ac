"""The photo page's (and an album's page's) comment forms without JavaScript: write, edit,
delete a comment, report a photo or a comment, block a person (from their page). The rules are
the services'; a refusal is answered by gallery.web.errors like any other. On an album's share
page the forms carry its link's token in their URL (`?token=`), which is how its visitors see it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gallery.domain.comments import CommentInvalid, CommentNotYours
from gallery.domain.limits import LIMITS
from gallery.services import albums, blocks, comments, photos, reports
from gallery.web.ratelimit import COMMENT_RATE, REPORT_RATE


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = LIMITS.comment_length
        self.fields["text"].widget.attrs["maxlength"] = LIMITS.comment_length


def _back_to(photo_id, anchor="comments"):
    return redirect(reverse("gallery:photo", args=[photo_id]) + f"#{anchor}")


def _target_url(target, token, *, album):
    """The page a comment is shown on: its photo's, or its `album`'s (the share page's with `token`)."""
    if not album:
        return reverse("gallery:photo", args=[target.id])
    if token:
        return reverse("gallery:album_shared", args=[target.id, token])
    return reverse("gallery:album", args=[target.id])


def _token(request):
    return request.GET.get("token") or None


@require_POST
@login_required
def write(request, photo_id):
    photo = photos.visible(request.user, photo_id)
    COMMENT_RATE.check(request)
    try:
        comment = comments.write(request.user, photo, request.POST.get("text", ""))
    except CommentInvalid as error:
        messages.error(request, error.message)
        return _back_to(photo.id, "comment-form")
    return _back_to(photo.id, f"comment-{comment.id}")


@require_POST
@login_required
def album_write(request, album_id):
    """A comment on an album's page (its share page's: `?token=`)."""
    token = _token(request)
    album = albums.visible(request.user, album_id, token)
    back = _target_url(album, token, album=True)
    COMMENT_RATE.check(request)
    try:
        comment = comments.write(request.user, album, request.POST.get("text", ""), token=token)
    except CommentInvalid as error:
        messages.error(request, error.message)
        return redirect(back + "#comment-form")
    return redirect(back + f"#comment-{comment.id}")


@login_required
def edit(request, comment_id):
    token = _token(request)
    comment, target = comments.find_any(request.user, comment_id, token=token)
    if comment.author_id != request.user.pk:
        raise CommentNotYours(comment.id)
    back = _target_url(target, token, album=bool(comment.album_id))
    form = CommentForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        COMMENT_RATE.check(request)
        comments.edit(request.user, comment, target, form.cleaned_data["text"])
        return redirect(back + f"#comment-{comment.id}")
    return render(request, "gallery/comment_edit.html", {"form": form, "comment": comment, "back_url": back})


@require_POST
@login_required
def delete(request, comment_id):
    token = _token(request)
    comment, target = comments.find_any(request.user, comment_id, token=token)
    comments.delete(request.user, comment, target)
    messages.success(request, _("The comment was deleted."))
    return redirect(_target_url(target, token, album=bool(comment.album_id)) + "#comments")


@require_POST
@login_required
def report(request):
    """POST photo_id or comment_id, and reason: back to the photo (the album's page, `?token=`
    for its share page's) with a thank-you."""
    REPORT_RATE.check(request)
    token = _token(request)
    made = reports.report(
        request.user,
        photo_id=request.POST.get("photo_id", ""),
        comment_id=request.POST.get("comment_id", ""),
        reason=request.POST.get("reason", ""),
        token=token,
    )
    messages.success(request, _("Thank you. Staff will look at your report."))
    if made.photo_id:
        return _back_to(made.photo_id, "comments")
    album = comments.find_any(request.user, made.comment_id, token=token)[1]
    return redirect(_target_url(album, token, album=True) + "#comments")


@require_POST
@login_required
def block(request, username):
    """POST block=on|off from the person's page."""
    person = blocks.user_named(username)
    if request.POST.get("block") == "off":
        blocks.unblock(request.user, person)
        messages.success(request, _("You unblocked %(name)s.") % {"name": person.get_username()})
    else:
        blocks.block(request.user, person)
        messages.success(request, _("You blocked %(name)s.") % {"name": person.get_username()})
    return redirect("gallery:user", username=person.get_username())
