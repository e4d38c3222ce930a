"""Turn kinds from roles and order, and the exchanges that pair each question with its answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import Role, TurnKind


@dataclass
class Pairing:
    """One question (turn indices) and the turns that answer it."""

    questions: list[int]
    answers: list[int] = field(default_factory=list)
    follow_up: bool = False


def classify(roles: list[Role], follow_ups: list[bool]) -> tuple[list[TurnKind], list[Pairing]]:
    """Kinds and exchanges from the sequence of speaker roles.

    host: the first turn `opening`, the last `closing`, any other `transition`;
    official: `statement` until the first question, `answer` after it;
    journalist: `question` (each its own exchange; `follow_ups` marks 追问 / Follow-up);
    unknown or interpreter: `other`.
    """
    kinds: list[TurnKind] = []
    pairings: list[Pairing] = []
    last = len(roles) - 1
    for index, role in enumerate(roles):
        if role == "host":
            kinds.append("opening" if index == 0 else "closing" if index == last else "transition")
        elif role == "official":
            if pairings:
                kinds.append("answer")
                pairings[-1].answers.append(index)
            else:
                kinds.append("statement")
        elif role == "journalist":
            kinds.append("question")
            pairings.append(Pairing([index], follow_up=follow_ups[index] and bool(pairings)))
        else:
            kinds.append("other")
    return kinds, pairings
