"""Turn kinds from roles and order, and the exchanges that pair each question with its answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import lexicon
from .schema import Role, TurnKind

Range = tuple[int, int]


@dataclass
class Pairing:
    """One question (turn indices) and the turns that answer it."""

    questions: list[int]
    answers: list[int] = field(default_factory=list)
    follows: Pairing | None = None  # the exchange a follow-up (追问, Follow-up) follows


@dataclass(slots=True)  # not frozen: built by the hundred per page, where frozen costs twice
class TurnFacts:
    """What a turn's label and words say beyond its role (the label facts are the Foreign Ministry's)."""

    follow_up: bool = False  # 追问, Follow-up
    reply: bool = False  # 记者解释：…, Journalist adds: … — never a question
    kind: TurnKind | None = None  # fixed by a cue or a closing line
    answer_label: bool = False  # 答, A: the anonymous answer label
    named: bool = False  # an official labelled with a name (耿爽：…)
    soft: bool = False  # a bare reporter label (记者, Journalist) that may answer back in a dialogue
    asks_back: bool = False  # the turn ends with a question mark: from an official, a question back
    asks: bool = False  # a speaker the page does not explain who puts a question (a legislator: 黃潔貞：關注…)
    greets: bool = False  # 女士们、先生们，大家上午好  Ladies and gentlemen, good morning
    closes: bool = False  # 本场新闻发布会到此结束  That's the end of today's press conference
    replies: bool = False  # opens as an answer: 关于这个问题，…  您的第一个问题，…  (its question is not on the page)
    presides: bool = False  # an official who holds the conference and opens it (国防部、国台办发言人)


def classify(roles: list[Role], facts: Sequence[TurnFacts],
             descending: bool = False) -> tuple[list[TurnKind], list[Pairing]]:
    """Kinds and exchanges from the sequence of speaker roles.

    host: the first turn that greets `opening`, one that ends the conference (本场新闻发布会到此结束) `closing`,
    any other `transition`;
    official: `statement` until the first question (`opening` for one who presides and greets first; `answer`
    where the page begins after the question), `answer` after it, `other` when it is dialogue;
    journalist (or a speaker the page does not explain who `asks`): `question` (each its own exchange, but one
    asked again before any answer joins it; a follow-up, 追问 / Follow-up, `follows` the last), `other`
    for a reply inside a dialogue (after the spokesperson asks back: a named interjection, or an answer
    ending in a question mark); unknown or interpreter: `other`. Cues and closing lines keep
    the kind their layout gives them. A live blog printed newest first (`descending`) is read from its end.
    """
    if not descending:
        return _in_order(roles, facts)
    last = len(roles) - 1
    backwards, pairings = _in_order(roles[::-1], list(facts)[::-1])
    for pairing in pairings:
        pairing.questions = sorted(last - i for i in pairing.questions)
        pairing.answers = sorted(last - i for i in pairing.answers)
    return backwards[::-1], sorted(pairings, key=lambda p: min(p.questions + p.answers))


def _in_order(roles: list[Role], facts: Sequence[TurnFacts]) -> tuple[list[TurnKind], list[Pairing]]:
    """`classify` of turns in the order they were spoken."""
    dialogue = [_is_dialogue(facts, roles, i) for i in range(len(roles))]
    kinds: list[TurnKind] = []
    pairings: list[Pairing] = []
    open_exchange = False  # a question waits for answers (closed by a closing turn)
    in_dialogue = False  # the spokesperson has asked back (耿爽：你是哪家媒体的？)
    opened = False  # the conference has been opened (the host's welcome, or an official's greeting)
    for index, role in enumerate(roles):
        fact = facts[index]
        if role == "host" and not opened and not pairings and fact.greets:
            kinds.append("opening")  # first, even where one line holds the whole conference
            opened = True
        elif fact.kind == "closing" or (role == "host" and fact.closes):
            kinds.append("closing")
            open_exchange = in_dialogue = False
        elif role == "host":
            kinds.append("transition")
            opened = True
        elif role == "official":
            if dialogue[index]:
                kinds.append("other")
                in_dialogue = True
            elif open_exchange:
                kinds.append("answer")
                pairings[-1].answers.append(index)
                # 答：…你还提到了那两个加拿大公民的案件，是吗？ → 记者：是的。 is a reply, not a question.
                in_dialogue = fact.asks_back
            elif fact.replies:  # the page begins inside the conference, after the question
                kinds.append("answer")
                pairings.append(Pairing([], [index]))
                open_exchange = True
            else:
                kinds.append("opening" if fact.presides and index == 0 else "statement")
                opened = opened or fact.greets
        elif role == "journalist" or fact.asks:
            # 记者：NHK。 answers 耿爽：你是哪家媒体的？ back, but 记者：第二个问题，…你能否证实？ after
            # 你的下一个问题是什么？ asks: a reporter's turn in a dialogue is a reply unless it asks.
            if fact.reply or (in_dialogue and fact.soft and not fact.asks_back):
                kinds.append("other")
            elif pairings and open_exchange and not pairings[-1].answers and pairings[-1].questions \
                    and kinds[-1] == "question":
                kinds.append("question")  # asked again before any answer (the same question in English)
                pairings[-1].questions.append(index)
            else:
                kinds.append("question")
                pairings.append(Pairing([index], follows=pairings[-1] if fact.follow_up and pairings else None))
                open_exchange, in_dialogue = True, False
        else:
            kinds.append("other")
    return kinds, pairings


def _is_dialogue(facts: Sequence[TurnFacts], roles: list[Role], index: int) -> bool:
    """A spokesperson's named turn is dialogue when an anonymous answer (答) follows it before the
    next real question: 问 → 耿爽：你是哪家媒体的？ → 记者：NHK。 → 答：…"""
    if roles[index] != "official" or not facts[index].named:
        return False
    for fact, role in zip(facts[index + 1:], roles[index + 1:], strict=True):
        if fact.answer_label:
            return True
        if fact.kind is not None or not (fact.soft or fact.reply or (role == "official" and fact.named)):
            return False
    return False


def question_parts(text: str, question: Range, answers: list[Range]) -> list[dict[str, Any]]:
    """The parts of a multi-part question (第一…第二…, "First, … Second, …"): each part runs to the
    next; where the answer says 关于第一个问题 / "On your first question", that passage answers it.
    A question has parts only when its ordinals count 1, 2, … in order. The parts are dicts of the fields of
    `QuestionPart`, validated with the whole document."""
    for word in lexicon.FIRST_PART:
        if text.find(word, question[0], question[1]) >= 0:
            break
    else:
        return []
    found: list[tuple[int, int]] = []  # (number, start)
    for match in lexicon.QUESTION_PART.finditer(text, question[0], question[1]):
        number = lexicon.ORDINALS[match.group("n").casefold()]
        if number == len(found) + 1:
            found.append((number, match.start()))
    if len(found) < 2:
        return []
    replies: dict[int, Range] = {}
    for start, end in answers:
        # An answer is searched for cues up to the last word that can end one, not to its end.
        ending = lexicon.ANSWER_PART_END.search(text, start, end)
        cues = [] if ending is None else [(lexicon.ORDINALS[m.group("n").casefold()], m.start())
                                          for m in lexicon.ANSWER_PART.finditer(text, start, ending.end())]
        for (number, at), following in zip(cues, [*cues[1:], None], strict=False):
            stop = following[1] if following else end
            if number <= len(found) and number not in replies:
                replies[number] = _trim(text, (at, stop))
    parts = []
    for (number, start), following in zip(found, [*found[1:], None], strict=True):
        span = _trim(text, (start, following[1] if following else question[1]))
        reply = replies.get(number)
        parts.append({"index": number, "span": {"start": span[0], "end": span[1]},
                      "answer_span": {"start": reply[0], "end": reply[1]} if reply else None})
    return parts


def _trim(text: str, span: Range) -> Range:
    start, end = span
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
