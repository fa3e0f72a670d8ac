"""django.contrib.admin with the site that needs a second factor (accounts.admin_site); apart
from it because INSTALLED_APPS imports this before any model may be."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "accounts.admin_site.StaffAdminSite"
