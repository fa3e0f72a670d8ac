"""The one NinjaAPI of /api/ (docs/api.md): its errors, its security schemes and what its
OpenAPI document says beyond what django-ninja derives from the operations (request bodies
parsed by gallery.api.bodies, headers, anonymous access).

Errors: every DomainError, and what Django raises inside an operation, is answered by
gallery.web.errors.response_for (the one mapping); ninja's own validation errors (a query or
path parameter of the wrong type) become the same {"error", "errors"} 400.
"""

import functools
import json

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from gallery.api import schemas
from gallery.api.auth import AUTH
from gallery.domain.errors import DomainError
from gallery.web.errors import ApiError, api_response, as_domain_error, response_for

ERROR_STATUSES = {
    400: "Bad input: the fields at fault in `errors`.",
    401: "Sign in: no credentials, or an unknown token.",
    403: "Not yours to change, a read-only token, or a session write without its CSRF token.",
    404: "No such thing, or one hidden from the caller.",
    409: "Changed since it was read (If-Match), or conflicting with another change.",
    413: "Over a size limit.",
    429: "Too many requests: retry after the `Retry-After` seconds.",
    503: "A backend is unavailable: retry later.",
}
# Statuses any operation may answer, whatever it does.
ALWAYS = (503,)
_HEADERS = {
    "ETag": "Its revision: send it back in If-Match to change that revision only.",
    "Location": "The URL of what was made.",
    "Retry-After": "Seconds to wait before retrying.",
    "WWW-Authenticate": "`Token`: send `Authorization: Token <key>`.",
}


def responses(ok, *errors):
    """The response schemas of an operation: `ok` ({status: schema}, None for no body) and the
    error statuses it may answer, each with the Error schema."""
    return {**ok, **{status: schemas.Error for status in sorted({*errors, *ALWAYS})}}


def extra(
    *, body=None, content_type="application/json", headers=None, public=False, if_match=False, links=None
):
    """The openapi_extra of an operation: its request `body` (a schema class: the body is read by
    gallery.api.bodies, not by ninja), the `headers` of its answers ({status: [name, ...]}),
    whether anybody may call it (`public`), whether it takes If-Match, and the `links` of its
    answers ({status: {operationId: {parameter: runtime expression}}}: what a client, or
    schemathesis's stateful run, may call next with what this answer holds)."""
    result = {}
    if body is not None:
        result["requestBody"] = {
            "required": content_type != "application/json" or bool(body.model_json_schema().get("required")),
            "content": {content_type: {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}},
        }
        BODIES.append(body)
    if headers:
        result["responses"] = {
            status: {"headers": {name: _header(name) for name in names}} for status, names in headers.items()
        }
    for status, targets in (links or {}).items():
        result.setdefault("responses", {}).setdefault(status, {})["links"] = {
            target: {"operationId": target, "parameters": parameters}
            for target, parameters in targets.items()
        }
    if public:
        result["x-anonymous"] = True
    if if_match:
        result["parameters"] = [
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "description": "The ETag read: refused with 409 when it has changed since.",
                "schema": {"type": "string"},
            }
        ]
    return result


def _header(name):
    return {"description": _HEADERS[name], "schema": {"type": "string"}}


BODIES = []  # the request body schemas, added to the document's components


class PhotoshareAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for body in BODIES:
            schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[body.__name__] = schema
        for operations in document["paths"].values():
            for operation in operations.values():
                _describe(operation)
        return document


def _describe(operation):
    # Public operations also answer callers without credentials (`{}`: no security needed).
    if operation.pop("x-anonymous", False):
        operation["security"] = [*operation.get("security", []), {}]
    for status, response in operation["responses"].items():
        status = int(status)
        if status in ERROR_STATUSES:
            response["description"] = ERROR_STATUSES[status]
        if status == 429:
            response.setdefault("headers", {})["Retry-After"] = _header("Retry-After")
        if status == 401:
            response.setdefault("headers", {})["WWW-Authenticate"] = _header("WWW-Authenticate")


class SiteSwagger(Swagger):
    """ninja's Swagger UI page from its template and the site's static files. ninja renders from
    a CDN when it is not an installed app, and it is not one (photoshare.settings: NINJA_DIR)."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": any(getattr(auth, "csrf", False) for auth in api.auth),  # the session's
        }
        return render(request, self.template, context)


api = PhotoshareAPI(
    title="photoshare",
    version="1",
    description="Photos, albums, favourites, direct uploads and API tokens. Errors are "
    '`{"error": "...", "errors": {field: [...]}}` in the caller\'s language (docs/api.md).',
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs/",
    docs=SiteSwagger(),
)


@api.exception_handler(Exception)
@api.exception_handler(Http404)
def domain_error(request, error):
    # DomainErrors and what Django raises (Http404, PermissionDenied, a body too large ...):
    # gallery.web.errors answers them; anything else is a bug, Django's 500.
    response = response_for(request, error) if as_domain_error(error) is not None else None
    if response is None:
        raise error
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return response_for(request, ApiError(401, _("Authentication required.")))


@api.exception_handler(HttpError)
def refused_by_ninja(request, error):
    return api_response(error.status_code, str(error))


@api.exception_handler(ValidationError)
def invalid_parameters(request, error):
    fields = {}
    for detail in error.errors:
        name = str(detail["loc"][-1]) if detail.get("loc") else "body"
        fields.setdefault(name, []).append(_("Not a valid value for this parameter."))
    return api_response(400, " ".join(m for ms in fields.values() for m in ms), fields)


def credentials_before_methods(view):
    """A view of ninja's that checks the caller's credentials before refusing a method: a
    read-only token's PUT is refused as a write (403), an unknown token as such (401); then the
    405 in our contract, in the caller's language, with its Allow header."""

    @functools.wraps(view)  # keeps csrf_exempt and body_limits' marker
    def checked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        try:
            next(user for user in (auth(request) for auth in AUTH) if user)
        except DomainError as error:
            return response_for(request, error)
        allowed = ", ".join(sorted(method.strip() for method in response["Allow"].split(",")))
        message = _("This URL does not take %(method)s; use %(allowed)s.")
        refusal = ApiError(
            405, message % {"method": request.method, "allowed": allowed}, headers={"Allow": allowed}
        )
        return response_for(request, refusal)

    return checked
