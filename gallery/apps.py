from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = _("Photo gallery")

    def ready(self):
        # Connects the user_logged_in receiver that brings an account's saved language along.
        from gallery import languages  # noqa: F401
