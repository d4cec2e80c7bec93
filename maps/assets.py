"""Offline HTML: inline Leaflet and our controls, so a page saved on a tablet opens offline.

Folium links its JavaScript and CSS from CDNs (Leaflet, jQuery, Bootstrap, Font Awesome...).
VaxRoute maps need only Leaflet and ``vaxroute.js``/``vaxroute.css``; :func:`offline_map`
drops folium's links and inlines those instead. Only background tiles still need a network.
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import folium
from branca.element import Figure, MacroElement
from jinja2 import Template

STATIC = resources.files("maps") / "static"


@cache
def _text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@cache
def leaflet_css() -> str:
    """leaflet.css with its images as data URIs (the layer-control icon must work offline)."""
    css = _text("leaflet/leaflet.css")

    def inline(match: re.Match[str]) -> str:
        image = (STATIC / "leaflet" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode()})"

    css = re.sub(r"url\((images/layers(?:-2x)?\.png)\)", inline, css)
    # Marker images are not used (every marker is a DivIcon); drop their URLs.
    return re.sub(r"url\(images/[^)]*\)", "none", css)


def add_html(m: folium.Map, markup: str) -> None:
    """Add markup to the page body (panels, legends)."""
    root = m.get_root()
    assert isinstance(root, Figure)
    root.html.add_child(folium.Element(markup))


def offline_map(
    asset_base: str | None = None, *, title: str = "VaxRoute", lang: str = "vi", **kwargs: Any
) -> folium.Map:
    """A folium Map whose page carries Leaflet and our assets inline and links nothing, or,
    with ``asset_base`` (the API), links them from that path on the same server. The page has
    ``title`` and says its language (screen readers and axe-core need both)."""
    m = folium.Map(tiles=None, **kwargs)
    m.default_js = []
    m.default_css = []
    root = m.get_root()
    assert isinstance(root, Figure)
    root.title = html.escape(title)  # branca writes the title as it is
    root.vr_lang = lang if lang in ("vi", "en") else "vi"  # type: ignore[attr-defined]
    header = root.header
    if asset_base is not None:
        for name, href in (("leaflet_css", "leaflet/leaflet.css"), ("vr_css", "vaxroute.css")):
            header.add_child(
                folium.Element(f'<link rel="stylesheet" href="{asset_base}/{href}">'), name=name
            )
        for name, src in (("leaflet_js", "leaflet/leaflet.js"), ("vr_js", "vaxroute.js")):
            header.add_child(
                folium.Element(f'<script src="{asset_base}/{src}"></script>'), name=name
            )
        return m
    header.add_child(folium.Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(folium.Element(f"<style>{_text('vaxroute.css')}</style>"), name="vr_css")
    header.add_child(
        folium.Element(f"<script>{_text('leaflet/leaflet.js')}</script>"), name="leaflet_js"
    )
    header.add_child(folium.Element(f"<script>{_text('vaxroute.js')}</script>"), name="vr_js")
    return m


class MapScript(MacroElement):
    """JavaScript run after the map and its layers exist (a plain Element would run before)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "MapScript"
        self.code = code


def script_json(value: Any) -> str:
    """JSON for a JavaScript literal inside an inline ``<script>``: ``<`` and ``>`` as ``\\u``
    escapes, so no data can close the script (``</script>``), open another or open a comment
    (``<!--``); U+2028/2029 escaped too. Other text stays literal UTF-8 (readable, small)."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def layer_name(text: str) -> str:
    """A layer's name for folium's LayerControl: Leaflet puts names into ``innerHTML``."""
    return html.escape(text)


class HtmlPopup(MacroElement):
    """A popup bound to its parent from an HTML string (folium.Popup needs jQuery; this not).
    Leaflet puts the string into ``innerHTML``: every piece of data in it must be escaped with
    ``html.escape`` by the caller."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindPopup({{ this.html_js }}, "
        "{maxWidth: {{ this.max_width }}, autoPanPaddingTopLeft: [64, 16]});"
        "{% endmacro %}"
    )

    def __init__(self, html: str, max_width: int = 320) -> None:
        super().__init__()
        self._name = "HtmlPopup"
        self.html_js = script_json(html)
        self.max_width = max_width


class TextTooltip(MacroElement):
    """A tooltip showing plain text, escaped here. folium.Tooltip puts its text unescaped into
    a JavaScript template literal (markup, ``${...}`` and backticks would all run)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindTooltip({{ this.html_js }}, {sticky: true});"
        "{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "TextTooltip"
        self.html_js = script_json(html.escape(text))


def external_references(html: str) -> list[str]:
    """Scripts and stylesheets the page would fetch from elsewhere (must be empty)."""
    found = re.findall(r"<script[^>]+src=[\"']([^\"']+)", html)
    found += re.findall(r"<link[^>]+href=[\"']([^\"']+)", html)
    return found


def render(m: folium.Map, asset_base: str | None = None) -> str:
    root = m.get_root()
    page = root.render()
    lang = getattr(root, "vr_lang", None)
    if lang is not None:  # branca's page template has a bare <html>
        page = page.replace("<html>", f'<html lang="{lang}">', 1)
    leaks = [
        u
        for u in external_references(page)
        if asset_base is None or not u.startswith(asset_base + "/")
    ]
    if leaks:  # a folium element brought its own CDN link: fail loudly, never ship it
        raise RuntimeError(f"map would load external assets: {leaks}")
    return page
