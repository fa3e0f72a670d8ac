"""The site's pages, one module a job: browse (lists and search), photos (a photo, upload, edit,
delete), accounts (sign-up, login, API token), health. Errors they raise are answered by
gallery.web.errors."""
