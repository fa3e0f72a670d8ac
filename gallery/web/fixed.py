"""`{% fixed %}...{% endfixed %}`: markup that is the same for every visitor of a language (the
header's links and labels, the footer's language form), rendered once per template node, language,
script prefix and URLconf, then reused: ~30 `{% translate %}` and `{% site_url %}` a page otherwise
(docs/benchmarks.md, issue 26).

Inside, the context holds LANGUAGE_CODE and nothing else: a variable a fragment asked for would
render empty for everyone (and fail its page's tests), never one visitor's data for another. The
CSRF token, the search text and the signed-in header stay outside.
"""

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        # On the node: a template reloaded in development gets new nodes, so nothing stale is kept.
        self.rendered = {}

    def render(self, context):
        language = get_language()
        key = (language, get_script_prefix(), get_urlconf())
        markup = self.rendered.get(key)
        if markup is None:
            # context.new(): the same engine and template, none of the page's variables.
            markup = self.rendered[key] = self.nodelist.render(context.new({"LANGUAGE_CODE": language}))
        return markup


def fixed(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)
