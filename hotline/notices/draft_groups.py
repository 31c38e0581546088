"""The typed parts of a draft file: [[groups]] (groups of people, their numbers and items)
and [response] (damage figures, compensation, service, individual notices, next update).

Read with the located errors of draft_files._Reader; the format is in docs/draft-format.md.
"""

import unicodedata

from .draft_values import (
    MAX_TEXT, SHORT_LIMITS, parse_certainty, parse_count, parse_date, parse_leak_status, parse_moment,
)
from .groups import DEFAULT_GROUP, UNITS, GroupSpec, ItemSpec, category_for

GROUP_KEYS = {"name", "affected", "unit", "count", "final_scope", "note", "reason", "items", "period"}
PERIOD_KEYS = {"start", "end", "start_certainty", "end_certainty"}
COUNT_KEYS = {"min", "max", "approx", "certainty", "cleared"}
NOTE_LIMIT = SHORT_LIMITS["note"]
RESPONSE_KEYS = ("damage_cases", "damage_amount", "damage_reason", "compensation", "service", "reopening", "notices",
                 "next_update")
COMPENSATION_WORDS = {"検討中": "considering", "considering": "considering", "決定": "decided", "decided": "decided"}
SUBTABLES = {"compensation": ("status", "text"), "reopening": ("on", "note"), "notices": ("mail_from", "letters_by"),
             "next_update": ("on", "note")}


def read_groups(reader, raw) -> list[GroupSpec]:
    """[[groups]]: name, count = { … }, items = { "氏名" = "確認済み", … } per group."""
    if not isinstance(raw, list) or not all(isinstance(g, dict) for g in raw):
        reader.fail("", "groups", "[[groups]] の表の並びとして書いてください。")
    return [read_group(reader, number, group) for number, group in enumerate(raw, start=1)]

def read_group(reader, number: int, raw: dict) -> GroupSpec:
    """One [[groups]] table."""
    where = f"groups[{number}]"
    for key in raw:
        if key not in GROUP_KEYS:
            reader.fail(where, key, "不明なキーです（docs/draft-format.md を参照してください）。")
    spec = GroupSpec(name=reader.text(where, "name", raw.get("name", DEFAULT_GROUP), 60))
    for key in ("affected", "final_scope"):
        if key in raw:
            if not isinstance(raw[key], bool):
                reader.fail(where, key, "true または false で指定してください。")
            setattr(spec, key, raw[key])
    if "unit" in raw:
        spec.unit = reader.convert(where, "unit", parse_unit, raw["unit"])
    for key in ("note", "reason"):
        if key in raw:
            setattr(spec, key, reader.text(where, key, raw[key], NOTE_LIMIT if key == "note" else MAX_TEXT))
    count = raw.get("count", {})
    if not isinstance(count, dict) or set(count) - COUNT_KEYS:
        reader.fail(where, "count", "{ min = …, max = …, certainty = \"…\" } の形で書いてください（approx, cleared も使えます）。")
    for key in ("min", "max", "cleared"):
        if key in count:
            setattr(spec, "cleared" if key == "cleared" else f"count_{key}",
                    reader.convert(where, "count", parse_count, count[key]))
    if "approx" in count:
        if not isinstance(count["approx"], bool):
            reader.fail(where, "count", "approx は true または false で指定してください。")
        spec.count_approx = count["approx"]
    if "certainty" in count:
        spec.count_certainty = reader.convert(where, "count", parse_certainty, count["certainty"])
    period = raw.get("period", {})
    if not isinstance(period, dict) or set(period) - PERIOD_KEYS:
        reader.fail(where, "period", "{ start = …, end = …, start_certainty = \"…\", end_certainty = \"…\" } の形で書いてください。")
    for key in ("start", "end"):
        if key in period:
            day, clock = reader.convert(where, "period", parse_moment, period[key])
            setattr(spec, f"period_{key}", day)
            setattr(spec, f"period_{key}_time", clock)
        if f"{key}_certainty" in period:
            setattr(spec, f"period_{key}_certainty", reader.convert(where, "period", parse_certainty, period[f"{key}_certainty"]))
    items = raw.get("items", {})
    if not isinstance(items, dict):
        reader.fail(where, "items", "{ \"氏名\" = \"確認済み\", … } の形で書いてください。")
    spec.items = [read_item(reader, where, key, value) for key, value in items.items()]
    return spec

def read_item(reader, where: str, key: str, value) -> ItemSpec:
    """"氏名" = "確認済み", or { status = "…", note = "…" }; a name not in the fixed list is a free item."""
    note = ""
    if isinstance(value, dict):
        if set(value) - {"status", "note"} or "status" not in value:
            reader.fail(where, key, "{ status = \"…\", note = \"…\" } の形で書いてください。")
        note = reader.text(where, key, value.get("note", ""), NOTE_LIMIT)
        value = value["status"]
    label = reader.text(where, key, key, 60)
    status = reader.convert(where, key, parse_leak_status, value)
    return ItemSpec(status=status, category=category_for(label), label=label, note=note)


def parse_unit(value) -> str:
    """名, 件, 人, 枚 or 社."""
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value
    if text not in UNITS:
        raise ValueError(f"単位は{'・'.join(UNITS)}のいずれかで書いてください。")
    return text


def read_response(reader, raw: dict, fields: dict) -> None:
    """[response] into report fields; each value checked like the rest of the file."""
    where = "response"
    for key in ("damage_cases", "damage_amount"):
        if key in raw:
            fields[key] = reader.convert(where, key, parse_count, raw[key])
    if "damage_reason" in raw:
        fields["damage_reason"] = reader.text(where, "damage_reason", raw["damage_reason"])
    if "service" in raw:
        fields["service_status"] = reader.text(where, "service", raw["service"])
    tables = {}
    for key, allowed in SUBTABLES.items():
        value = raw.get(key, {})
        if not isinstance(value, dict) or set(value) - set(allowed):
            reader.fail(where, key, f"{{ {' = …, '.join(allowed)} = … }} の形で書いてください。")
        tables[key] = value
    compensation = tables["compensation"]
    if "status" in compensation:
        status = COMPENSATION_WORDS.get(str(compensation["status"]).strip())
        if status is None:
            reader.fail(where, "compensation", "status は「検討中」か「決定」で書いてください。")
        fields["compensation_status"] = status
    if "text" in compensation:
        fields["compensation"] = reader.text(where, "compensation", compensation["text"])
    dates = (("reopening", "on", "reopening_on"), ("notices", "mail_from", "notice_mail_from"),
             ("notices", "letters_by", "notice_letters_by"), ("next_update", "on", "next_update_on"))
    for table, key, name in dates:
        if key in tables[table]:
            fields[name] = reader.convert(where, table, parse_date, tables[table][key])
    for table, name in (("reopening", "reopening_note"), ("next_update", "next_update_note")):
        if "note" in tables[table]:
            fields[name] = reader.text(where, table, tables[table]["note"], NOTE_LIMIT)
