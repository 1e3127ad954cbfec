"""The compiled templates' cache (``_build/.tabbook/templates``, Jinja's bytecode cache) is
a cache: a file in it cut short (a full disk, a killed build) is discarded and compiled
again, never a failed build (issue 28 item 6)."""

from __future__ import annotations

from types import SimpleNamespace

from sphinx.jinja2glue import SandboxedEnvironment, SphinxFileSystemLoader

from tabbook.sphinxext.template_cache import cache_compiled_templates


def _app(templates):
    """What cache_compiled_templates reads of a Sphinx app: its builder's Jinja environment
    (the HTML builder's kind of environment and loader)."""
    environment = SandboxedEnvironment(loader=SphinxFileSystemLoader(str(templates)))
    return SimpleNamespace(builder=SimpleNamespace(templates=SimpleNamespace(
        environment=environment))), environment


def test_a_truncated_compiled_template_is_compiled_again(tmp_path):
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ title }}</p>{% for i in range(3) %}{{ i }}"
                                         "{% endfor %}", encoding="utf-8")
    app, env = _app(templates)
    assert cache_compiled_templates(app, cache)
    assert env.get_template("page.html").render(title="A") == "<p>A</p>012"
    (cached,) = cache.glob("*/*.cache")
    whole = cached.read_bytes()
    for cut in range(1, len(whole)):  # the header, the source's checksum (a pickle), the code
        cached.write_bytes(whole[:cut])
        app, env = _app(templates)  # a later build: a new environment reading the damaged file
        assert cache_compiled_templates(app, cache)
        assert env.get_template("page.html").render(title="B") == "<p>B</p>012", cut
        assert cached.read_bytes() == whole, cut  # written whole again
