"""The audit log in words: the detail of each row as the console shows it, in Japanese.

Rows keep short codes (`channel=web urgent=False`, `wait=3s`, `faq:card-replace v2`), which
commands and exports read as they are; the page shows them as a reader would say them.
A part this module does not know is shown unchanged.
"""

from ..callbacks.calls import OUTCOMES
from ..models import Channel, FilingKind, Role

PHRASES = {"code required": "確認コードが必要な状態での失敗", "wrong code": "確認コードの誤り"}
CHANNELS = {c.value: c.label for c in Channel} | {"email": "メール", "phone": "電話"}
WORDS = {**{k.value: k.label for k in FilingKind}, **{k: v.split("（")[0] for k, v in OUTCOMES.items()},
         "change": "変更の申請"}
CASES = {"sensitive": "要配慮個人情報", "financial": "財産的被害のおそれ", "wrongful": "不正の目的",
         "over_thousand": "本人が1,000人超"}  # the four cases of 規則7条, as notices.regulator.CASES says them in full


def _yes(value: str) -> bool:
    return value in ("True", "1")


def _template(value: str) -> str:
    number, _sep, version = value.partition(":")
    if number in ("", "None"):
        return "テンプレートなし"
    return f"テンプレート{number}（第{version}版）" if version not in ("", "None") else f"テンプレート{number}"


def _at(value: str) -> str:
    return value.replace("T", " ")


KEYS = {
    "urgent": lambda v: "至急" if _yes(v) else "至急ではない",
    "template": _template,
    "edited": lambda v: "文面を編集して送信" if _yes(v) else "文面の編集なし",
    "role": lambda v: f"権限：{Role(v).label}" if v in {r.value for r in Role} else f"権限：{v}",
    "rows": lambda v: f"{v}件",
    "wait": lambda v: f"{v.removesuffix('s')}秒の待機",
    "slot": lambda v: f"希望の時間帯：{_at(v)}",
    "attempt": lambda v: f"{v}回目の架電",
    "version": lambda v: f"版の指紋 {v}",
    **{name: (lambda label: lambda v: f"{label}：{'該当' if _yes(v) else '該当しない'}")(label)
       for name, label in CASES.items()},
}


def detail_label(action: str, detail: str) -> str:
    """One row's detail in Japanese ('channel=web urgent=False' → '受付経路：フォーム、至急ではない').

    A detail already written in words (「会員一覧: 3行（新規3）」) is left as it is; so is any
    part this module does not know."""
    text = detail or ""
    if text in PHRASES:
        return PHRASES[text]
    tokens, parts, known = text.split(" "), [], True
    for position, token in enumerate(tokens):
        key, sep, value = token.partition("=")
        if sep and key == "judgement":  # the approver's own words, to the end
            parts.append("承認者の判断：" + " ".join([value, *tokens[position + 1:]]))
            break
        if sep and key == "channel":
            parts.append(f"{'回答方法' if action == 'answer' else '受付経路'}：{CHANNELS.get(value, value)}")
        elif sep and key in KEYS:
            parts.append(KEYS[key](value))
        else:
            word = _word(token)
            known = known and word != token
            parts.append(word)
    return ("、" if known else " ").join(parts)


def _word(token: str) -> str:
    """A code standing alone: a filing kind, a call's outcome, an FAQ entry, a version."""
    if token in WORDS:
        return WORDS[token]
    if token.startswith("faq:"):
        return f"FAQ「{token[4:]}」"
    if token[:1] == "v" and token[1:].isascii() and token[1:].isdigit():
        return f"第{token[1:]}版"
    return token
