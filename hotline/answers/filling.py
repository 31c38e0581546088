"""Filling a template with the facts of the latest published report, and suggesting templates."""

from dataclasses import dataclass

from .. import notices
from ..faq import blocks
from ..faq.search import split_weak
from ..models import AnswerTemplate, Incident, Report, TemplateStatus
from . import placeholders
from . import search as answer_search
from .templates import AnswerError


@dataclass(frozen=True)
class Suggestion:
    """A template proposed for a question; `warning` is set while it waits for review."""

    template: AnswerTemplate
    title_html: str
    snippet_html: str
    warning: str
    groups: tuple[str, ...] = ()  # the groups of people the template names (for the asker's groups)


@dataclass(frozen=True)
class Preview:
    """A template body filled from a report, or the reason it cannot be."""

    text: str | None
    error: str | None
    source: str


def answer_context(template: AnswerTemplate, incident: Incident | None = None) -> tuple[Report | None, Incident | None]:
    """(latest published report, incident) whose facts fill the template's placeholders."""
    incident = incident or template.incident
    if incident is None:
        candidates = notices.active_incidents() or notices.public_incidents()
        incident = candidates[0] if candidates else None
    return (notices.latest_published(incident) if incident else None), incident


def fill(template: AnswerTemplate, incident: Incident | None = None, base_url: str = "",
         overrides: dict[str, str] | None = None, keep_blocks: bool = False) -> str:
    """The template's answer with its placeholders filled; AnswerError when it cannot be.

    `base_url` makes links to this site absolute (for answers sent by mail); `overrides`
    words placeholders for the person asking (see placeholders.render). Shared text blocks
    ({文面:…}) are written out, unless `keep_blocks` (a FAQ entry keeps them, so it follows
    a later change of the block).
    """
    body = template.body if keep_blocks else blocks.expand(template.body)
    report, incident = answer_context(template, incident)
    if incident is None and placeholders.names_used(template.body):
        raise AnswerError("事案が登録されていないため、差し込み項目を埋められません。")
    try:
        return placeholders.render(body, report, incident, base_url, overrides)
    except placeholders.PlaceholderError as error:
        raise AnswerError(str(error), "body") from error


def preview(template: AnswerTemplate) -> Preview:
    """What an agent's answer would say now, for supervisor pages."""
    report, incident = answer_context(template)
    source = f"{placeholders.report_label(report)}の内容で表示しています。" if report else ""
    try:
        return Preview(fill(template), None, source)
    except AnswerError as error:
        return Preview(None, str(error), source)


def suggest(text: str, limit: int = 3) -> list[Suggestion]:
    """Approved and needs-review templates for a question, best first; the latter with a warning.

    Only the strong ones: hits far below the best matched on a stray word (see suggest_all).
    """
    return suggest_all(text, limit)[0]


def suggest_all(text: str, limit: int = 3, others: int = 3, groups: list[str] | None = None,
                known: list[str] | None = None) -> tuple[list[Suggestion], list[Suggestion]]:
    """(suggestions, other candidates): the strong hits, then the weak tail and any strong
    hit beyond `limit`, split by the FAQ search's rule (faq.search.split_weak).

    With the asker's `groups` (from the affected list) among the incident's `known` group
    names, a strong template that names one of the asker's groups comes first and one that
    names only other groups goes to the other candidates: a gift recipient who is no member
    is not offered the members' answer first.
    """
    hits = answer_search.search_templates(text, limit=limit + others)
    strong, weak = split_weak(hits)
    if groups is not None and known:
        strong, aside = _for_groups(strong, set(groups), known)
        weak = aside + weak
    shown = [_suggestion(hit, known) for hit in strong[:limit]]
    rest = [_suggestion(hit, known) for hit in (strong[limit:] + weak)[:others]]
    return shown, rest


def _named_groups(template: AnswerTemplate, known: list[str] | None) -> tuple[str, ...]:
    """The group names among `known` that the template's title, questions or keywords name."""
    text = " ".join((template.title, template.questions, template.keywords))
    return tuple(name for name in (known or ()) if name and name in text)


def _for_groups(hits: list, groups: set[str], known: list[str]) -> tuple[list, list]:
    """(the asker's templates first, then those naming no group; those naming only other groups)."""
    fitting, neutral, aside = [], [], []
    for hit in hits:
        named = set(_named_groups(hit.template, known))
        (fitting if named & groups else aside if named else neutral).append(hit)
    return fitting + neutral, aside


def _suggestion(hit, known: list[str] | None = None) -> Suggestion:
    """A search hit with the warning a template waiting for review carries."""
    template = hit.template
    warning = ""
    if template.status is TemplateStatus.NEEDS_REVIEW:
        warning = ("事実が変わったため責任者の確認待ちです。使う前に、差し込まれる内容と回答文が合っているか"
                   f"ご確認ください。（{template.review_reason}）")
    return Suggestion(template, hit.title_html, hit.snippet_html, warning, _named_groups(template, known))
