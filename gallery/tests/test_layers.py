"""The layout holds (read from the source, nothing is run): packages by layer, each outside system
with one owner, no lower package importing a higher one, and modules small enough to read.

    domain < imaging < storage < services < web < templatetags, accounts pages < api, admin, management
(accounts: models beside storage, languages beside services, its pages and allauth's adapter
and signal receivers just above web)."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# A package may import ours only from a lower layer, or from itself. The folders are the layers.
LAYERS = [
    {"gallery.domain"},  # pure rules
    {"gallery.imaging"},  # Pillow work (no Django); reads the domain's records (ExifFacts)
    {"gallery.storage", "gallery.models", "accounts.models"},  # S3, DynamoDB, SQS; the database
    {"gallery.services", "accounts.languages"},  # the use cases
    {"gallery.web"},  # requests and pages
    # The template library registers gallery.web's work; the account pages use the site's
    # request helpers (rate limits, errors).
    {"gallery.templatetags", "accounts.web"},
    {
        "gallery.api",
        "gallery.admin",
        "gallery.management",
        "gallery.apps",
        "accounts.apps",
        "accounts.admin_site",
        "accounts.admin_config",
    },
]
PACKAGES = set().union(*LAYERS)
# accounts is small: its pages are modules beside its models, one unit of the web layer.
ACCOUNTS_WEB = {
    "accounts.adapter",
    "accounts.receivers",
    "accounts.forms",
    "accounts.views",
    "accounts.token_views",
    "accounts.profile_views",
    "accounts.language_views",
    "accounts.urls",
    "accounts.devices",
    "accounts.staff",
    "accounts.factors",
}
AWS_OWNER = "gallery.storage"
AWS_LIBRARIES = ("boto3", "botocore", "storages")
# What the pure layer may use of Django: settings, translation and lazy values, never a request,
# the database, the cache or a backend.
DOMAIN_DJANGO = {
    "django.conf",
    "django.utils.translation",
    "django.utils.functional",
    "django.core.exceptions",
    "django.template.defaultfilters",  # filesizeformat: a limit's human text
}


def modules():
    """{dotted module name: set of names it imports} for every non-test, non-migration module."""
    found = {}
    for app in ("gallery", "accounts"):
        for path in (REPO / app).rglob("*.py"):
            relative = path.relative_to(REPO)
            if {"tests", "migrations"} & set(relative.parts):
                continue
            name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            found[name] = imports_of(path)
    return found


def imports_of(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def package_of(name):
    """The layered package a dotted name belongs to, or None (gallery itself, Django, ...)."""
    parts = name.split(".")
    if ".".join(parts[:2]) in ACCOUNTS_WEB:
        return "accounts.web"
    return next((".".join(parts[:n]) for n in (2, 1) if ".".join(parts[:n]) in PACKAGES), None)


def layer_of(package):
    return next(index for index, layer in enumerate(LAYERS) if package in layer)


MODULES = modules()


def test_every_module_is_in_a_layer():
    unplaced = {name for name in MODULES if package_of(name) is None and name not in ("gallery", "accounts")}
    assert not unplaced, f"put these in a layer's folder (or add the folder to LAYERS): {sorted(unplaced)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_package_imports_its_own_or_a_higher_layer(name):
    own = package_of(name)
    if own is None:
        return
    higher = {
        imported
        for imported in MODULES[name]
        if (package := package_of(imported)) and package != own and layer_of(package) >= layer_of(own)
    }
    assert not higher, f"{name} ({own}) imports {sorted(higher)} from its own or a higher layer"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_storage_imports_aws_libraries(name):
    aws = {imported for imported in MODULES[name] if imported.split(".")[0] in AWS_LIBRARIES}
    if package_of(name) != AWS_OWNER:
        assert not aws, f"{name} imports {sorted(aws)}"


@pytest.mark.parametrize("name", sorted(name for name in MODULES if package_of(name) == "gallery.domain"))
def test_the_domain_does_no_io(name):
    django = {imported for imported in MODULES[name] if imported.split(".")[0] == "django"}
    allowed = {imported for imported in django if any(imported.startswith(ok) for ok in DOMAIN_DJANGO)}
    assert django == allowed, f"{name} imports {sorted(django - allowed)}"


@pytest.mark.parametrize("name", sorted(name for name in MODULES if package_of(name) == "gallery.imaging"))
def test_imaging_knows_no_django(name):
    assert not {imported for imported in MODULES[name] if imported.split(".")[0] == "django"}


def test_forms_do_not_run_the_use_cases():
    forms = set().union(
        *(imported for name, imported in MODULES.items() if name.startswith("gallery.web.forms"))
    )
    assert not {imported for imported in forms if imported.startswith("gallery.services")}


def test_no_module_over_about_400_lines():
    long = {
        str(path.relative_to(REPO)): length
        for app in ("gallery", "accounts", "devstack")
        for path in (REPO / app).rglob("*.py")
        if "tests" not in path.parts and (length := len(path.read_text().splitlines())) > 420
    }
    assert not long
