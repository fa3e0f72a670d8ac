"""The admin for staff who passed a second factor in this session (accounts/staff.py). Its login
is the site's (accounts.views.admin_login), which sends staff without one to set it up."""

from django.contrib import admin

from accounts import staff


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request):
        # Every admin page asks this; a "no" sends the browser to /admin/login/ (the site's).
        return super().has_permission(request) and staff.may_enter_admin(request)
