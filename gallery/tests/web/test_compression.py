"""Pages compressed: by Django under `make run` (PHOTOSHARE_GZIP), by nginx in production."""

import gzip
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from deploy.tests.test_instance import nginx_conf
from devstack import local_site

GZIP = "django.middleware.gzip.GZipMiddleware"


def first_middleware(**env):
    """settings.MIDDLEWARE[0] as the settings module makes it from the environment `env`."""
    environ = {name: value for name, value in os.environ.items() if name != "PHOTOSHARE_GZIP"}
    return subprocess.run(
        [sys.executable, "-c", "import photoshare.settings as s; print(s.MIDDLEWARE[0])"],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_make_run_gzips_and_production_leaves_it_to_nginx(monkeypatch):
    monkeypatch.delenv("PHOTOSHARE_GZIP", raising=False)
    monkeypatch.setattr(local_site, "throwaway_secret_key", lambda: "local")
    assert local_site.site_environment("http://127.0.0.1:1", 8000)["PHOTOSHARE_GZIP"] == "1"
    assert first_middleware(PHOTOSHARE_GZIP="1") == GZIP
    assert first_middleware() != GZIP


@pytest.mark.django_db
def test_a_gzipped_page_is_the_page(aws, client, settings):
    with override_settings(MIDDLEWARE=[GZIP, *settings.MIDDLEWARE]):
        plain = client.get("/")
        response = client.get("/", headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain  # a client that did not ask
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content)
    assert page.startswith(b"<!doctype html>") and page.endswith(b"</html>\n")
    assert response.status_code == 200 and len(response.content) < len(page)


def test_nginx_gzips_pages_json_css_and_js_it_proxies():
    conf = nginx_conf()
    assert "gzip on;" in conf and "gzip_proxied any;" in conf
    types = conf.split("gzip_types ")[1].split(";")[0].split()
    # text/html is always compressed once gzip is on (nginx refuses it in the list: a duplicate).
    assert {"application/json", "text/css", "application/javascript"} <= set(types)
    assert "text/html" not in types
