"""Reading deploy/cloudformation.yaml in tests: YAML with CloudFormation's short tags, and Fn::Sub."""

import re
from functools import cache
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML comes with cfn-lint (requirements-dev.txt)")

TEMPLATE = Path(__file__).resolve().parents[1] / "cloudformation.yaml"


class _Loader(yaml.SafeLoader):
    """!Ref x -> {"Ref": x}, !GetAtt a.b -> {"Fn::GetAtt": [a, b]}, !Sub ... -> {"Fn::Sub": ...}."""


def _tag(name):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {"Ref" if name == "Ref" else name if name == "Condition" else f"Fn::{name}": value}

    return construct


_TAGS = (
    "Ref",
    "GetAtt",
    "Sub",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "Not",
    "And",
    "Condition",
    "Base64",
    "GetAZs",
)
for _name in _TAGS:
    _Loader.add_constructor(f"!{_name}", _tag(_name))


@cache
def template():
    return yaml.load(TEMPLATE.read_text(), Loader=_Loader)


def resource(name):
    return template()["Resources"][name]


def properties(name):
    return resource(name)["Properties"]


def user_data_parts():
    """(the Fn::Sub of the settings, the bootstrap): the user data is the one, then the other."""
    data = properties("WebServerLaunchTemplate")["LaunchTemplateData"]["UserData"]["Fn::Base64"]
    separator, (settings, bootstrap) = data["Fn::Join"]
    assert separator == ""
    return settings["Fn::Sub"], bootstrap


def bootstrap():
    """The bootstrap's text, which the template alone holds."""
    return user_data_parts()[1]


def user_data(values):
    """The user data EC2 runs, the settings filled in with `values` (see render_sub)."""
    settings, script = user_data_parts()
    return render_sub(settings, values) + script


def render_sub(sub, values):
    """The text of an Fn::Sub, given a value for each ${Name} it uses (KeyError if one is missing)."""
    text, variables = (sub, {}) if isinstance(sub, str) else sub
    names = {**values, **{name: values[name] for name in variables}}

    def replace(match):
        name = match.group(1)
        return "${" + name[1:] + "}" if name.startswith("!") else str(names[name])

    return re.sub(r"\$\{([^}]+)\}", replace, text)
