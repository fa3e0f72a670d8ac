"""The user data's bootstrap (read from deploy/cloudformation.yaml, its only copy), the release's
deploy/instance/deploy.sh that it runs, the files of deploy/instance that deploy.sh installs, and
the rehearsal's stand-ins, read without running them. deploy/tests/test_bootstrap.py runs the
bootstrap against stand-ins, deploy/tests/test_instance.py the Python of deploy/instance."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy.tests import cfn
from deploy.tests.rehearsal.harness import dnf_packages

DEPLOY = Path(__file__).resolve().parents[1]
INSTANCE = DEPLOY / "instance"
SCRIPT = INSTANCE / "deploy.sh"
TEMPLATES = [
    "photoshare-manage",
    "photoshare.service",
    "photoshare-worker.service",
    "nginx.conf",
    "cloudwatch-agent.json",
]
# What a value of the settings looks like to bash: none has a quote (the parameters' patterns).
SAMPLE = "x-1.example"


@pytest.fixture(scope="module")
def bootstrap_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("bootstrap") / "bootstrap.sh"
    path.write_text(cfn.bootstrap())
    return path


@pytest.fixture(scope="module")
def user_data_file(tmp_path_factory):
    """The whole user data: the settings, filled in, and the bootstrap."""
    settings, _ = cfn.user_data_parts()
    names = re.findall(r"\$\{([^!}][^}]*)\}", settings if isinstance(settings, str) else settings[0])
    path = tmp_path_factory.mktemp("user-data") / "part-001"
    path.write_text(cfn.user_data(dict.fromkeys(names, SAMPLE)))
    return path


@pytest.fixture(params=["bootstrap", "deploy.sh", "photoshare-manage"])
def script(request, bootstrap_file):
    return bootstrap_file if request.param == "bootstrap" else INSTANCE / request.param


def script_text():
    """deploy.sh, continuation lines joined."""
    return SCRIPT.read_text().replace("\\\n", " ")


def install_file_calls():
    """{template: the NAMEs deploy.sh gives it} for each `install_file TEMPLATE DEST MODE NAME=...`."""
    calls = re.findall(r"^ *install_file (\S+) \S+ \S+ (.*)$", script_text(), re.MULTILINE)
    return {template: set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", arguments)) for template, arguments in calls}


def test_shellcheck_finds_nothing_at_any_severity(script):
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (Debian package shellcheck)")
    result = subprocess.run(
        ["shellcheck", "--severity=style", "--shell=bash", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bash_parses_it(script):
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)


def test_the_whole_user_data_parses_and_its_settings_are_plain_assignments(user_data_file):
    """The settings part is data: one quoted PHOTOSHARE_* value a line, under the shebang."""
    subprocess.run(["bash", "-n", str(user_data_file)], check=True, timeout=30)
    settings, _ = cfn.user_data_parts()
    lines = (settings if isinstance(settings, str) else settings[0]).splitlines()
    assert lines[0] == "#!/bin/bash"
    assert all(re.fullmatch(r"#.*|PHOTOSHARE_[A-Z_]+='[^']*'", line) for line in lines[1:]), lines


def test_strict_mode_and_no_tracing_that_could_print_a_secret(script):
    text = script.read_text()
    assert "\nset -euo pipefail\n" in text
    assert not re.search(r"set -\w*x|xtrace|BASH_XTRACEFD", text)


def test_secrets_are_read_only_inside_the_python_step():
    """Bash never holds a secret: the one Python step (configure_env.py) reads them, writes the env file."""
    python = (INSTANCE / "configure_env.py").read_text()
    assert "get_secret_value" in python
    others = {name: (INSTANCE / name).read_text() for name in [*TEMPLATES, "render.py", "deploy.sh"]}
    others["bootstrap"] = cfn.bootstrap()
    for name, text in others.items():
        assert not re.search(r"(?i)secretsmanager|get.secret.value|ssm get-parameter", text), name
    # deploy.sh runs that step with the release's Python.
    assert '"$PY" "$INSTANCE/configure_env.py"\n' in SCRIPT.read_text()


@pytest.mark.parametrize("name", ["bootstrap", "deploy.sh"])
def test_no_heredoc_or_inline_program(name):
    """Python and configuration live in deploy/instance, where ruff and these tests reach them."""
    text = cfn.bootstrap() if name == "bootstrap" else SCRIPT.read_text()
    assert not re.search(r"<<-?\s*['\"]?\w+", text), "a heredoc: move it to a file of deploy/instance"
    assert not re.search(r"python\S*\"? (-c|-)\s", text)


def test_every_template_gets_exactly_the_values_it_uses():
    from deploy.instance.render import placeholders

    calls = install_file_calls()
    assert sorted(calls) == sorted(TEMPLATES)
    for template, names in calls.items():
        assert names == placeholders((INSTANCE / template).read_text()), template


def test_templates_carry_no_secret_and_no_setting_holding_one():
    for template, names in install_file_calls().items():
        text = (INSTANCE / template).read_text()
        assert not re.search(r"(?i)secret|password|DATABASE_URL", text), template
        assert not any(re.search(r"SECRET|PASSWORD|KEY", name) for name in names), template


def test_every_package_installed_is_known_to_the_rehearsal_dnf():
    packages = dnf_packages()
    # The bootstrap's (what fetching and signalling need) and deploy.sh's.
    assert {"git", "aws-cfn-bootstrap", "python3.12", "nginx", "redis6"} <= set(packages)
    known = set(
        re.findall(r'^    "([\w.+-]+)": \(', (DEPLOY / "tests/rehearsal/bin/dnf").read_text(), re.MULTILINE)
    )
    assert set(packages) <= known


def local_redis_lines():
    """The lines of deploy.sh that decide on the instance's own Redis."""
    lines = SCRIPT.read_text().splitlines()
    (start,) = [number for number, line in enumerate(lines) if line.startswith("LOCAL_REDIS=")]
    assert "PACKAGES+=(redis6)" in lines[start + 1]
    return "\n".join(lines[start : start + 2])


@pytest.mark.parametrize(
    ("cache_url", "installed"),
    [("", True), ("rediss://master.x.cache.amazonaws.com:6379/0", False)],
    ids=["single: no stack Redis", "scaled: ElastiCache"],
)
def test_redis6_is_installed_only_without_the_stacks_redis(cache_url, installed):
    """Topology=single (PHOTOSHARE_CACHE_URL empty) gets a Redis of its own; scaled servers, which
    must share one (ElastiCache), never run one."""
    program = (
        f'set -euo pipefail; PACKAGES=(nginx)\n{local_redis_lines()}\necho "$LOCAL_REDIS ${{PACKAGES[*]}}"'
    )
    result = subprocess.run(
        ["bash", "-c", program],
        env={"PATH": "/usr/bin:/bin", "PHOTOSHARE_CACHE_URL": cache_url},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.split() == (["true", "nginx", "redis6"] if installed else ["false", "nginx"])


def test_redis6_is_enabled_and_started_only_where_it_is_installed():
    text = SCRIPT.read_text()
    assert re.findall(r"^.*redis6\.service.*$", text, re.MULTILINE) == [
        "  systemctl enable --now redis6.service"
    ]
    block = re.search(r'\nif \[ "\$LOCAL_REDIS" = true \]; then\n(.*?)\nfi\n', text, re.DOTALL).group(1)
    assert "systemctl enable --now redis6.service" in block
    # Before gunicorn and the worker start, which count in it.
    assert text.index("redis6.service") < text.index("systemctl restart photoshare.service")
