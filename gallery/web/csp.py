"""Content-Security-Policy for every response.

Scripts, styles and fonts come from this site only (no inline code anywhere in the templates);
images also from the media storage, whose origin is read once from a URL the storage makes,
so a presigned S3 endpoint, moto or a CDN domain is allowed without configuring it twice.
The upload page's script may connect to the bucket's POST endpoint (direct uploads), whose
origin comes from a presigned POST the same way.
"""

from django.conf import settings

from gallery.storage.s3.media_urls import media_origin
from gallery.storage.s3.uploads import upload_origin

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def build_policy(media, upload=None):
    # The map's tile server too (settings.PHOTOSHARE_MAP_TILE_ORIGIN, from its URL template).
    image_sources = " ".join(filter(None, ["'self'", "data:", media, settings.PHOTOSHARE_MAP_TILE_ORIGIN]))
    connect_sources = " ".join(filter(None, ["'self'", upload]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {image_sources}",
            f"connect-src {connect_sources}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = REPORT_ONLY_HEADER if settings.PHOTOSHARE_CSP_REPORT_ONLY else HEADER
        self._policy = None

    @property
    def policy(self):
        # Built on first use rather than at start-up: the storage may not be configured yet then.
        if self._policy is None:
            self._policy = build_policy(media_origin(), upload_origin())
        return self._policy

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault(self.header, self.policy)
        return response
