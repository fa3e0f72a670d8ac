"""Fill in a template of deploy/instance and install the result: a step of deploy/instance/deploy.sh.

    python render.py TEMPLATE DEST MODE NAME=VALUE...

Placeholders are @NAME@ (capitals, digits and _), so the $ of nginx, systemd and bash stay
theirs. Nothing is evaluated: each placeholder is replaced by its value, every placeholder needs
one and every value a placeholder. A NAME given more than once is a list, and the line holding
it is repeated once per value (nginx's listen directives). DEST is replaced in one step, with
MODE (octal). The values are paths, names and numbers: the templates never carry a secret.
"""

import os
import re
import sys
import tempfile

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


class TemplateError(ValueError):
    pass


def placeholders(text):
    """The names of the placeholders in text."""
    return set(PLACEHOLDER.findall(text))


def render(text, values):
    """text with each @NAME@ replaced by values[NAME], a str, or a list that repeats its line."""
    wanted, given = placeholders(text), set(values)
    if wanted != given:
        missing, unused = sorted(wanted - given), sorted(given - wanted)
        raise TemplateError(f"no value for {missing}; no placeholder for {unused}")
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or "\n" in item:
                raise TemplateError(f"{name}: {item!r} is not one line of text")
    lines = []
    for line in text.splitlines(keepends=True):
        lists = {name for name in PLACEHOLDER.findall(line) if isinstance(values[name], list)}
        if len(lists) > 1:
            raise TemplateError(f"one line repeats for two lists: {sorted(lists)}")
        (repeated,) = lists or {None}
        for item in values[repeated] if repeated else [None]:
            lines.append(_fill(line, {**values, repeated: item} if repeated else values))
    return "".join(lines)


def _fill(line, values):
    return PLACEHOLDER.sub(lambda match: values[match[1]], line)


def parse_values(arguments):
    """NAME=VALUE arguments as render's values: a NAME given twice or more makes a list."""
    values = {}
    for argument in arguments:
        name, equals, value = argument.partition("=")
        if not equals or not PLACEHOLDER.fullmatch(f"@{name}@"):
            raise TemplateError(f"{argument!r} is not NAME=VALUE")
        if name not in values:
            values[name] = value
        elif isinstance(values[name], list):
            values[name].append(value)
        else:
            values[name] = [values[name], value]
    return values


def install(path, text, mode):
    """Replace the file at path with text, in one step: readers see the old file or the new one."""
    directory, name = os.path.split(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: render.py TEMPLATE DEST MODE NAME=VALUE...")
    template, destination, mode, *arguments = argv
    try:
        with open(template) as file:
            text = render(file.read(), parse_values(arguments))
    except TemplateError as error:
        sys.exit(f"{template}: {error}")
    install(destination, text, int(mode, 8))


if __name__ == "__main__":
    main(sys.argv[1:])
