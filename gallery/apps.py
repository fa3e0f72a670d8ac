from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from gallery.domain.ids import IdConverter


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = _("Photo gallery")

    def ready(self):
        # Before any URLconf is loaded: the site's, the API's and the admin's routes use <id:...>.
        register_converter(IdConverter, "id")
        # The access rules ask who is suspended; the answer is in the database (services).
        from gallery.domain import access
        from gallery.services import suspensions

        access.install_suspensions(suspensions.suspended_among)
