"""The account's profile page: display name and bio (gallery.services.profiles), the same form
as `PATCH /api/users/me/` (gallery.web.forms.profiles)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gallery.services import profiles
from gallery.web.forms.profiles import ProfileForm


@login_required
def profile(request):
    current = profiles.profile_of(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            profiles.update(request.user, **form.cleaned_data)
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    else:
        form = ProfileForm(initial={"display_name": current.display_name, "bio": current.bio})
    return render(request, "account/profile.html", {"form": form})
