"""The layout holds: each outside system has one owner, lower layers never import higher ones,
and no module imports itself back through others (read from the source, nothing is run)."""

import ast
from pathlib import Path

import pytest

GALLERY = Path(__file__).resolve().parents[1]
# Each module may import only gallery modules of a lower layer (or its own package).
LAYERS = [
    {"exif", "words"},  # EXIF facts from a header (Pillow records only); the words of a title (search)
    {"images", "catalog", "limits"},
    # jobs owns SQS as media owns S3: the use cases (photos) send jobs, the worker receives them.
    # ratelimit: counters on Django's cache, no gallery import; photos holds its upload quota.
    {"access", "media", "metadata", "models", "jobs", "ratelimit"},
    {"photos", "accounts", "languages", "reconcile", "health", "uploads", "csp", "albums", "sources"},
    {"forms", "errors", "templatetags", "worker"},
    {"views", "api", "admin", "urls", "management", "apps"},
]
AWS_OWNERS = {"media", "metadata", "jobs"}


def modules():
    """{dotted name under gallery: set of gallery modules it imports} for every non-test module."""
    found = {}
    for path in GALLERY.rglob("*.py"):
        relative = path.relative_to(GALLERY)
        if relative.parts[0] in ("tests", "migrations"):
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


def top(name):
    return name.split(".")[0]


def layer_of(name):
    return next(index for index, layer in enumerate(LAYERS) if top(name) in layer)


MODULES = modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_higher_layer(name):
    ours = {found.removeprefix("gallery.") for found in MODULES[name] if found.startswith("gallery.")}
    higher = {
        imported
        for imported in ours
        if top(imported) in set().union(*LAYERS)
        and top(imported) != top(name)
        and layer_of(imported) >= layer_of(name)
        and not (layer_of(imported) == layer_of(name) and top(name) in {"views", "api", "admin", "urls"})
    }
    assert not higher, f"gallery.{name} imports {sorted(higher)} from its own or a higher layer"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_owners_import_aws_libraries(name):
    aws = {imported for imported in MODULES[name] if top(imported) in ("boto3", "botocore", "storages")}
    if top(name) not in AWS_OWNERS:
        assert not aws, f"gallery.{name} imports {sorted(aws)}"


def test_the_image_module_knows_no_django_and_forms_do_not_run_uploads():
    assert not {imported for imported in MODULES["images"] if top(imported) == "django"}
    assert "gallery.photos" not in MODULES["forms"]


def test_no_module_over_about_400_lines():
    long = {
        str(path.relative_to(GALLERY)): length
        for path in GALLERY.rglob("*.py")
        if "tests" not in path.parts and (length := len(path.read_text().splitlines())) > 420
    }
    assert not long
