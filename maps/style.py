"""Markers, colours and background tiles shared by the maps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, overload

import folium

# Colour-blind-safe, dark enough for white numbers and for lines over light tiles.
TEAM_COLOURS = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#637939",
]


@dataclass(frozen=True)
class TileSpec:
    """Background tiles: any XYZ URL. Only the tiles need a network; the map works without."""

    url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    name: str = "OpenStreetMap"
    max_zoom: int = 19


DEFAULT_TILES = TileSpec()


def add_tiles(m: folium.Map, tiles: TileSpec | None) -> None:
    if tiles is not None:
        folium.TileLayer(
            tiles.url, attr=tiles.attribution, name=tiles.name, max_zoom=tiles.max_zoom
        ).add_to(m)


@overload
def stop_icon(seq: int, doctor: bool, html_only: Literal[True]) -> str: ...
@overload
def stop_icon(seq: int, doctor: bool, html_only: Literal[False] = False) -> folium.DivIcon: ...


def stop_icon(seq: int, doctor: bool, html_only: bool = False) -> folium.DivIcon | str:
    """A numbered disc, 34 px, 18 px bold digits: readable at arm's length."""
    cls = "vr-stop vr-doctor" if doctor else "vr-stop"
    markup = f'<div class="{cls}" data-seq="{seq}">{seq}</div>'
    if html_only:
        return markup
    return folium.DivIcon(
        html=markup, icon_size=(34, 34), icon_anchor=(17, 17), class_name="vr-icon"
    )


def small_stop_icon(seq: int, colour: str) -> folium.DivIcon:
    markup = (
        f'<div class="vr-stop vr-small" style="border-color:{colour}" data-seq="{seq}">{seq}</div>'
    )
    return folium.DivIcon(
        html=markup, icon_size=(24, 24), icon_anchor=(12, 12), class_name="vr-icon"
    )


def depot_icon() -> folium.DivIcon:
    return folium.DivIcon(
        html='<div class="vr-depot">+</div>',
        icon_size=(30, 30),
        icon_anchor=(15, 15),
        class_name="vr-icon",
    )


def unassigned_icon() -> folium.DivIcon:
    return folium.DivIcon(
        html='<div class="vr-unassigned">&times;</div>',
        icon_size=(22, 22),
        icon_anchor=(11, 11),
        class_name="vr-icon",
    )
