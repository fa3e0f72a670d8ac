"""Copy deploy/userdata.sh into deploy/cloudformation.yaml, whose UserData embeds it unchanged.

    .venv/bin/python deploy/sync_template.py          # rewrite the template's copy
    .venv/bin/python deploy/sync_template.py --check  # exit 1 if the copy is out of date

The copy is the YAML block that follows the line marked with MARKER; the tests compare it with
the script byte for byte (deploy/tests/test_template.py).
"""

import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
SCRIPT = DEPLOY / "userdata.sh"
TEMPLATE = DEPLOY / "cloudformation.yaml"
MARKER = "# deploy/userdata.sh, copied by deploy/sync_template.py"
USER_DATA_LIMIT = 16 * 1024  # EC2 refuses more user data than this, before base64


def embedded(template_text, script_text):
    """The template's text with script_text as the block after MARKER."""
    lines = template_text.splitlines(keepends=True)
    (start,) = [number for number, line in enumerate(lines) if MARKER in line]
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2  # the block sits under "- |"
    end = start + 1  # the first line after the block: not blank, and less indented
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= indent):
        end += 1
    script_lines = script_text.splitlines(keepends=True)
    block = [(" " * indent + line) if line.strip() else "\n" for line in script_lines]
    return "".join([*lines[: start + 1], *block, "\n", *lines[end:]])


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def main(argv):
    script_text = SCRIPT.read_text()
    if "\t" in script_text:
        sys.exit("deploy/userdata.sh holds a tab; YAML block scalars need spaces")
    current = TEMPLATE.read_text()
    wanted = embedded(current, script_text)
    if current == wanted:
        return 0
    if "--check" in argv:
        print("deploy/cloudformation.yaml holds an old copy of deploy/userdata.sh;")
        print("run .venv/bin/python deploy/sync_template.py")
        return 1
    TEMPLATE.write_text(wanted)
    print("deploy/cloudformation.yaml: UserData updated from deploy/userdata.sh")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
