"""The translation catalogs (locale/) are complete: every string makemessages finds in today's
source has a Korean translation. A string added without one turns this red; the fix is in the
README ("Languages"): makemessages, then translate what it added to locale/ko/LC_MESSAGES/."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
# What makemessages reads (README: the same directories as its --ignore list leaves).
SOURCES = ["accounts", "gallery", "photoshare", "templates", "static/js"]


def entries(po_text):
    """(msgctxt, msgid, [msgstr...], flags) of every live entry but the header."""
    found = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fields, flags, current = {}, set(), None
        for line in lines:
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strings = [value for name, value in fields.items() if name.startswith("msgstr")]
            found.append((fields.get("msgctxt"), fields["msgid"], strings, flags))
    return found


@pytest.fixture
def fresh_catalogs(tmp_path, settings, monkeypatch):
    """makemessages run over a copy of the source, merging into a copy of locale/: what a
    developer's run would make of the committed catalogs now."""
    assert shutil.which("xgettext"), "install gettext (scripts/bootstrap.sh does)"
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    for domain in ("django", "djangojs"):
        call_command("makemessages", locale=["ko"], domain=domain, verbosity=0)
    return tmp_path / "locale" / "ko" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_of_the_source_has_a_korean_translation(fresh_catalogs, domain):
    catalog = entries((fresh_catalogs / f"{domain}.po").read_text(encoding="utf-8"))

    untranslated = [
        (context, msgid) for context, msgid, strings, flags in catalog if not all(strings) or "fuzzy" in flags
    ]

    assert catalog, "makemessages found no strings: is it reading the source?"
    assert untranslated == [], f"translate these in locale/ko/LC_MESSAGES/{domain}.po"


def test_the_committed_catalogs_are_well_formed():
    for po in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        # --check: the placeholders (python-format, javascript-format) agree with the msgid.
        check = ["msgfmt", "--check", "-o", "/dev/null", str(po)]
        result = subprocess.run(check, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_the_parser_sees_untranslated_and_fuzzy_entries():
    po = 'msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgid "Tags"\nmsgstr "태그"\n\nmsgid "New"\nmsgstr ""\n\n'
    po += 'msgctxt "button"\nmsgid "Save"\nmsgid_plural "Saves"\nmsgstr[0] "저장"\n\n'
    po += '#~ msgid "Old"\n#~ msgstr ""\n'

    assert entries(po) == [
        (None, "Tags", ["태그"], {"fuzzy"}),
        (None, "New", [""], set()),
        ("button", "Save", ["저장"], set()),
    ]
