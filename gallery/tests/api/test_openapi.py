"""/api/openapi.json (gallery.api.openapi): a valid OpenAPI document that describes every route
of gallery/api with its status codes, and /api/docs/, the browsable docs served by the site."""

import inspect
import json
import re

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import translation
from ninja.errors import ValidationError
from openapi_spec_validator import validate

from gallery.api.openapi import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").json()


def test_the_served_document_is_valid_openapi(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    served = response.json()
    validate(served)
    assert served["openapi"].startswith("3.")


def api_routes():
    """{path as OpenAPI writes it: {methods}} of every URL in the api namespace, from Django's resolver."""
    resolver = get_resolver().namespace_dict["api"][1]
    routes = {}
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in ("openapi-json", "openapi-view", "api-root"):
            continue
        path = "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        view = inspect.getclosurevars(pattern.callback.__wrapped__).nonlocals["self"]  # ninja's PathView
        routes[path] = {method.lower() for operation in view.operations for method in operation.methods}
    return routes


def test_every_route_of_the_api_is_in_the_document_with_its_status_codes(document):
    routes = api_routes()

    assert "/api/albums/{album_id}/photos/{photo_id}/" in routes
    assert {path: set(operations) for path, operations in document["paths"].items()} == routes
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["operationId"], where
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), where
            assert "503" in codes, where
            if method != "get" or path == "/api/tokens/":
                assert "401" in codes, where


def test_every_response_and_request_body_has_a_schema(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for code, response in operation["responses"].items():
                if code == "204":
                    assert "content" not in response, where
                elif path.endswith(("/downloads/", "/download/")) and code == "200":  # the zip
                    assert response["content"]["application/zip"]["schema"], (where, code)
                else:
                    assert response["content"]["application/json"]["schema"], (where, code)
            # an action alone
            bodiless = ("/share/", "/favorite/", "/export/", "/restore/", "/empty/", "/follow/", "/block/")
            if method in ("post", "put", "patch") and not path.endswith(bodiless):
                body = operation["requestBody"]["content"]
                schema = next(iter(body.values()))["schema"]
                name = schema["$ref"].rsplit("/", 1)[-1]
                assert name in document["components"]["schemas"], where


def test_errors_rate_limits_and_revisions_are_described(document):
    upload = document["paths"]["/api/photos/"]["post"]
    assert upload["responses"]["429"]["headers"]["Retry-After"]
    assert upload["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    edit = document["paths"]["/api/photos/{photo_id}/"]["patch"]
    assert "If-Match" in [parameter["name"] for parameter in edit["parameters"]]
    assert edit["responses"]["200"]["headers"]["ETag"]
    assert "409" in edit["responses"]
    listing = document["paths"]["/api/photos/"]["get"]
    assert "cursor" in [parameter["name"] for parameter in listing["parameters"]]
    assert {} in listing["security"]  # anybody may list


def test_both_ways_to_sign_in_are_security_schemes(document):
    schemes = document["components"]["securitySchemes"]

    assert schemes["TokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["TokenAuth"]["description"],
    }
    assert (schemes["SessionAuth"]["type"], schemes["SessionAuth"]["in"]) == ("apiKey", "cookie")
    tokens = document["paths"]["/api/tokens/"]["post"]
    assert tokens["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]


def test_the_docs_page_loads_its_assets_from_the_site_without_inline_script(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, code in scripts:
        # The settings are data (application/json), never run; the code is files of the site's.
        assert 'type="application/json"' in attributes or (not code.strip() and 'src="/static/' in attributes)
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_ninjas_own_validation_errors_keep_the_error_contract_in_the_callers_language(rf):
    # A parameter ninja validates (by its type) and refuses: the same {"error", "errors"} 400.
    refused = ValidationError([{"loc": ("query", "cursor"), "msg": "Input should be a valid string"}])

    with translation.override("ko"):
        response = api.on_exception(rf.get("/api/photos/"), refused)

    assert response.status_code == 400
    message = "이 매개변수에 맞지 않는 값이에요."
    assert json.loads(response.content) == {"error": message, "errors": {"cursor": [message]}}


def test_a_method_a_url_does_not_take_is_a_405_naming_the_ones_it_does(client):
    english = client.put("/api/photos/")
    korean = client.put("/api/photos/", headers={"Accept-Language": "ko"})

    assert english.status_code == 405 and english["Allow"] == "GET, POST"
    assert english.json() == {"error": "This URL does not take PUT; use GET, POST."}
    assert korean.json()["error"].startswith("이 URL은 PUT 요청을 받지 않아요.")


def test_what_a_made_thing_leads_to_is_linked_to_operations_of_the_document(document):
    # The links of an answer name an operation of the document and fill its path parameters:
    # how a generated client, or schemathesis's stateful run (test_fuzz.py), follows create → use.
    operations = {
        operation["operationId"]: set(re.findall(r"{(\w+)}", path))
        for path, methods in document["paths"].items()
        for operation in methods.values()
    }
    linked = {}
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for response in operation["responses"].values():
                for name, link in response.get("links", {}).items():
                    assert set(link["parameters"]) == operations[link["operationId"]], (path, name)
                    linked.setdefault(operation["operationId"], set()).add(link["operationId"])

    assert {"get_album", "edit_album", "delete_album"} <= linked["create_album"]
    assert {"get_photo", "edit_photo", "delete_photo"} <= linked["upload_photo"] & linked["complete_upload"]
    assert linked["start_upload"] == {"complete_upload"}
    assert linked["create_token"] == {"revoke_token"}
    assert {"remove_album_photo", "move_album_photo"} <= linked["add_album_photo"]


def test_request_bodies_say_what_the_forms_refuse(client, settings):
    # Found by schemathesis (positive data the document allowed, answered 400): unknown fields,
    # nulls, a missing title or scope, text over the limits. The limits follow the settings.
    settings.PHOTOSHARE_MAX_TITLE_LENGTH = 42
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    for name in ("PhotoDetails", "NewPhotoDetails", "AlbumIn", "AlbumChanges", "TokenIn", "AlbumPhoto"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["NewPhotoDetails"]["required"] == ["title"]
    assert "title" in schemas["Upload"]["required"]
    assert schemas["TokenIn"]["required"] == ["name", "scope"]
    changes = schemas["PhotoDetails"]["properties"]
    title = {"type": "string", "minLength": 1, "maxLength": 42, "pattern": r"\S", "title": "Title"}
    assert changes["title"] == title
    assert {"type": "null"} not in changes["tags"]["anyOf"]
    assert changes["tags"]["anyOf"][0]["maxItems"] == settings.PHOTOSHARE_MAX_TAGS
