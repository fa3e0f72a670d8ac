"""JSON API for scripts and mobile clients (docs/api.md): auth (tokens, sessions with CSRF),
photos (the views), serializers (the JSON of a photo), urls. Errors: gallery.web.errors."""
