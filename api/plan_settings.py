"""A settings file uploaded with one plan: checked when it is uploaded, applied by the solver.

A planner may send a ``settings.toml`` with a plan (the keys of docs/settings.md). It is
checked at once against the server's own settings, so that a mistake is named while the
planner is still at the form: the section, the key and the line (``SettingsProblem``; the
console words it in the planner's language). The text is stored with the plan
(``plans.settings_toml``) and the solver applies it over the server's settings for that plan
only (api/solver_process.py), key by key: what the file does not name stays as the server has it.

Not every setting is a plan's to change: how many cores a solve takes and its guard
(``[solver] workers``, ``guard_factor``, ``guard_grace_s``) belong to the server, the time
limit to the form, and ``[input]`` and ``[roads]`` to the server's imports and road network.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields, replace
from typing import Any

from planner.errors import InputError
from planner.settings import Settings

#: a settings file is a few dozen lines; anything much larger is not one
MAX_BYTES = 64 * 1024
SERVER_SECTIONS = frozenset({"input", "roads"})
SERVER_KEYS = frozenset(
    {
        ("solver", "workers"),
        ("solver", "guard_factor"),
        ("solver", "guard_grace_s"),
        ("solver", "time_limit_s"),
    }
)
SECTIONS = tuple(f.name for f in fields(Settings))
_LINE = re.compile(r"\bline (\d+)")


class SettingsProblem(InputError):
    """What is wrong with a plan's settings file. ``kind``: not_utf8, too_large, syntax,
    unknown_section, not_a_table, server_only, unknown_key or bad_value; ``detail``: the
    parser's or the check's own (English) words."""

    def __init__(
        self, kind: str, section: str = "", key: str = "", line: int | None = None, detail: str = ""
    ) -> None:
        self.kind, self.section, self.key, self.line, self.detail = (
            kind,
            section,
            key,
            line,
            detail,
        )
        where = " ".join(
            x
            for x in (f"[{section}]" if section else "", key, f"(line {line})" if line else "")
            if x
        )
        super().__init__(f"settings file: {kind.replace('_', ' ')} {where}: {detail}".strip())


def decode(data: bytes) -> str:
    """The uploaded bytes as text (UTF-8, a BOM allowed), or a :class:`SettingsProblem`."""
    if len(data) > MAX_BYTES:
        raise SettingsProblem("too_large", detail=f"{len(data)} bytes, at most {MAX_BYTES}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsProblem("not_utf8", detail=str(exc)) from None


def key_line(text: str, section: str, key: str = "") -> int | None:
    """The line (from 1) of ``[section]``, or of ``key = ...`` in it; None if not found.
    Sub-tables (``[vials.products.x]``) count as their section."""
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            current = line.strip("[] \t").split(".")[0].strip().strip('"')
            if not key and current == section:
                return number
            continue
        name = re.split(r"[=.\s]", line, maxsplit=1)[0].strip('"') if line else ""
        if current == section and key and name == key:
            return number
        if not current and name == section:  # a dotted key at the top: section.key = ...
            return number
    return None


def apply_plan_settings(base: Settings, text: str) -> Settings:
    """``base`` with the file's values over it, each checked as the settings check
    themselves; the first problem found is raised as a :class:`SettingsProblem`."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        if line is None and "end of document" in str(exc):
            line = max(1, len(text.splitlines()))
        raise SettingsProblem("syntax", line=line, detail=str(exc)) from None
    parts: dict[str, Any] = {}
    for section, values in raw.items():
        line = key_line(text, section)
        if section not in SECTIONS:
            raise SettingsProblem(
                "unknown_section", section, line=line, detail=f"known: {', '.join(SECTIONS)}"
            )
        if not isinstance(values, dict):
            raise SettingsProblem("not_a_table", section, line=line)
        if section in SERVER_SECTIONS:
            raise SettingsProblem("server_only", section, line=line)
        parts[section] = _section(getattr(base, section), section, values, text)
    return replace(base, **parts)


def _section(current: Any, section: str, values: dict[str, Any], text: str) -> Any:
    """One section's dataclass with the file's values: unknown or server-only keys refused,
    and each value tried alone first, so that the message names the key at fault."""
    known = {f.name for f in fields(current)}
    for key in values:
        if key not in known:
            raise SettingsProblem(
                "unknown_key",
                section,
                key,
                key_line(text, section, key),
                f"known: {', '.join(sorted(known))}",
            )
        if (section, key) in SERVER_KEYS:
            raise SettingsProblem("server_only", section, key, key_line(text, section, key))
    for key, value in values.items():
        try:
            replace(current, **{key: value})
        except (InputError, TypeError, ValueError, AttributeError) as exc:
            raise SettingsProblem(
                "bad_value", section, key, key_line(text, section, key), str(exc)
            ) from None
    try:
        return replace(current, **values)
    except (InputError, TypeError, ValueError, AttributeError) as exc:  # keys at odds
        raise SettingsProblem(
            "bad_value", section, line=key_line(text, section), detail=str(exc)
        ) from None
