"""deploy/userdata.sh and the rehearsal's stand-ins, read without running them."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1]
SCRIPT = DEPLOY / "userdata.sh"


def test_shellcheck_finds_nothing_at_any_severity():
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (Debian package shellcheck)")
    result = subprocess.run(
        ["shellcheck", "--severity=style", "--shell=bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bash_parses_it():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True, timeout=30)


def test_strict_mode_and_no_tracing_that_could_print_a_secret():
    text = SCRIPT.read_text()
    assert "\nset -euo pipefail\n" in text
    assert not re.search(r"set -\w*x|xtrace|BASH_XTRACEFD", text)


def test_secrets_are_read_only_inside_the_python_step():
    """Bash never holds a secret: the one Python step reads them and writes the env file."""
    text = SCRIPT.read_text()
    python = text[text.index("<<'PY'\n") : text.index("\nPY\n")]
    bash = text.replace(python, "")
    assert "get_secret_value" in python
    assert not re.search(r"secretsmanager|get-secret-value|ssm get-parameter", bash)


def test_every_package_the_script_installs_is_known_to_the_rehearsal_dnf():
    packages = re.search(r"PACKAGES=\((.*?)\)", SCRIPT.read_text(), re.DOTALL).group(1).split()
    known = set(
        re.findall(r'^    "([\w.+-]+)": \(', (DEPLOY / "tests/rehearsal/bin/dnf").read_text(), re.MULTILINE)
    )
    assert set(packages) <= known
