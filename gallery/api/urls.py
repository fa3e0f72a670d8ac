from gallery.api import (
    account,
    albums,
    batch,
    comments,
    downloads,
    follows,
    library,
    moderation,
    notifications,
    photos,
    profiles,
    tokens,
    trash,
    uploads,
)
from gallery.api.openapi import api, credentials_before_methods
from gallery.web.body_limits import accepts_upload

for module in (
    batch,
    photos,
    library,
    albums,
    tokens,
    uploads,
    downloads,
    trash,
    account,
    follows,
    profiles,
    comments,
    moderation,
    notifications,
):
    api.add_router("/", module.router)

# /api/ is the NinjaAPI's; also /api/openapi.json (its document) and /api/docs/ (Swagger UI).
# <id:...> in its paths is gallery.domain.ids.IdConverter, registered by gallery.apps.
urlpatterns, _ninja, app_name = api.urls

for pattern in urlpatterns:
    pattern.callback = credentials_before_methods(pattern.callback)
    # gallery.web.body_limits reads its marker on the view Django resolves: ninja's, for a path.
    if pattern.name == "photos":
        accepts_upload(pattern.callback)
