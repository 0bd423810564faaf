"""The JSON Schema of a declared shape (draft 2020-12): what ``tracker schema --output`` prints.

Built from the same declarations as the JSON forms (:mod:`tracker.projections.shape`), so the
schema a test validates every command's ``--json`` against cannot drift from what is printed.
"""

from __future__ import annotations

from typing import Any

from tracker.projections.shape import INSTANT_PATTERN, Field, Shape


def shape_schema(shape: Shape, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of one object of ``shape``, putting what nested fields need into ``defs``."""
    properties: dict[str, Any] = {}
    for f in shape.fields:
        if f.kind == "date":
            for c in f.columns():
                properties[c.name] = c.json_schema()
        elif f.kind == "shape":
            properties[f.name] = nested_schema(f, defs)
        elif f.kind == "map":
            properties[f.name] = {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": f.description,
            }
        elif f.kind == "any":
            assert f.schema is not None
            sub = f.schema()
            for key, value in sub.pop("$defs", {}).items():
                defs.setdefault(key, value)
            sub.pop("$schema", None)
            name = f"{shape.name}.{f.name}"
            defs[name] = sub
            ref: dict[str, Any] = {"$ref": f"#/$defs/{name}"}
            properties[f.name] = (
                {"anyOf": [ref, {"type": "null"}], "description": f.description}
                if f.nullable
                else {**ref, "description": f.description}
            )
        else:
            properties[f.name] = f.columns()[0].json_schema()
    return {
        "title": shape.name,
        "description": shape.description,
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def scalar_schema(
    kind: str,
    nullable: bool,
    many: bool,
    choices: tuple[str, ...] | None,
    description: str,
) -> dict[str, Any]:
    item: dict[str, Any]
    if kind == "instant":
        item = {"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}
    else:
        item = {
            "type": {"text": "string", "integer": "integer", "number": "number"}.get(
                kind, "boolean"
            )
        }
    if choices is not None:
        item["enum"] = list(choices)
    if many:
        return {"type": "array", "items": item, "description": description}
    if nullable:
        item["type"] = [item["type"], "null"]
        if "enum" in item:
            item["enum"] = [*item["enum"], None]
    item["description"] = description
    return item


def nested_schema(f: Field, defs: dict[str, Any]) -> dict[str, Any]:
    shapes = f.shape if isinstance(f.shape, tuple) else (f.shape,)
    refs = []
    for s in shapes:
        assert s is not None
        if s.name not in defs:
            defs[s.name] = {}  # (a placeholder against cycles)
            defs[s.name] = shape_schema(s, defs)
        refs.append({"$ref": f"#/$defs/{s.name}"})
    one: dict[str, Any] = refs[0] if len(refs) == 1 else {"anyOf": refs}
    if f.many:
        return {"type": "array", "items": one, "description": f.description}
    if f.nullable:
        return {"anyOf": [one, {"type": "null"}], "description": f.description}
    return {**one, "description": f.description}


__all__ = ["nested_schema", "scalar_schema", "shape_schema"]
