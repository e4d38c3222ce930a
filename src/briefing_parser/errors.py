"""Diagnostics collected while parsing, and the one exception strict mode raises."""

from __future__ import annotations

from .schema import Diagnostic, Severity, Span


def diagnostic(
    code: str, message: str, severity: Severity = "warning", span: tuple[int, int] | None = None
) -> Diagnostic:
    """Build a `Diagnostic`; `span` is a `(start, end)` pair into the document text."""
    return Diagnostic(
        code=code,
        severity=severity,
        message=message,
        span=Span(start=span[0], end=span[1]) if span else None,
    )


class ParseError(ValueError):
    """Raised by `parse(..., options={"strict": True})` when any diagnostic is a warning or an error."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        lines = "; ".join(f"{d.code}: {d.message}" for d in diagnostics[:5])
        more = f" (+{len(diagnostics) - 5} more)" if len(diagnostics) > 5 else ""
        super().__init__(f"{len(diagnostics)} problem(s): {lines}{more}")
