"""gallery.web.fixed: `{% fixed %}` fragments are rendered once per language and prefix, and nothing
of a page's context gets in them."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation

FRAGMENT = Template(
    "{% load i18n gallery_tags %}{% fixed %}<a href=\"{% site_url 'account_login' %}\">"
    '{% translate "Log in" %}</a>[{{ secret }}]{{ LANGUAGE_CODE }}{% endfixed %} {{ secret }}'
)


def test_a_fragment_follows_the_language_and_the_prefix_but_never_the_context():
    with translation.override("en"):
        english = FRAGMENT.render(Context({"secret": "alice's token"}))
    with translation.override("ko"):
        korean = FRAGMENT.render(Context({"secret": "bob's token"}))
    set_script_prefix("/photoshare/")
    try:
        with translation.override("en"):
            prefixed = FRAGMENT.render(Context({"secret": "carol's token"}))
    finally:
        clear_script_prefix()

    assert english == '<a href="/accounts/login/">Log in</a>[]en alice&#x27;s token'
    assert korean == '<a href="/accounts/login/">로그인</a>[]ko bob&#x27;s token'
    assert prefixed == '<a href="/photoshare/accounts/login/">Log in</a>[]en carol&#x27;s token'


def test_a_fragment_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load gallery_tags %}{% fixed now %}x{% endfixed %}")


@pytest.mark.django_db
def test_the_header_and_footer_follow_each_visitors_language_and_search(client, aws):
    korean = client.get("/search/?q=harbour", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    english = client.get("/search/?q=sunset", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'lang="ko"' in korean and "로그인" in korean and 'value="harbour"' in korean
    assert '<option value="ko" lang="ko" selected>' in korean
    assert "Log in" in english and "로그인" not in english and 'value="sunset"' in english
    assert '<option value="en" lang="en" selected>' in english
    # The language form posts its own CSRF token, outside the fixed fragments.
    assert 'name="csrfmiddlewaretoken"' in english
