"""The account's profile page: display name and bio (gallery.services.profiles), the same form
as `PATCH /api/users/me/` (gallery.web.forms.profiles), and the profile picture
(gallery.services.avatars, as `POST|DELETE /api/users/me/avatar/`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gallery.services import avatars, profiles
from gallery.web.forms.profiles import AvatarForm, ProfileForm


@login_required
def profile(request):
    current = profiles.profile_of(request.user)
    if request.method == "POST":
        form, picture = ProfileForm(request.POST), AvatarForm(request.POST, request.FILES)
        if form.is_valid() and picture.is_valid():
            profiles.update(request.user, **form.cleaned_data)
            if picture.cleaned_data["avatar"]:
                avatars.replace(request.user, picture.cleaned_data["avatar"])
            elif picture.cleaned_data["remove_avatar"]:
                avatars.remove(request.user)
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    else:
        form = ProfileForm(initial={"display_name": current.display_name, "bio": current.bio})
        picture = AvatarForm()
    context = {"form": form, "picture": picture, "avatar_url": current.avatar_url}
    return render(request, "account/profile.html", context)
