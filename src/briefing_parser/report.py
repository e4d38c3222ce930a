"""A whole conversion run as one HTML page: counts, charts drawn as inline SVG, the pages with most warnings."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from math import ceil
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import orjson

from .export import read_csv_table, write_atomically
from .inputs import UsageError, clean_id
from .manifest import ERRORS  # convert's list of failed pages: {input, id, uri, code, message} a line
from .pipeline import parse
from .schema import Briefing
from .viewer import BASE_CSS, esc, page, view

log = logging.getLogger(__name__)

Row = dict[str, Any]
# The columns the report reads, by table: the one place that names them (a renamed column changes here).
COLUMNS: dict[str, tuple[str, ...]] = {
    "briefings": ("document_id", "uri", "sha256", "layout", "held_on", "title"),
    "turns": ("document_id", "participant_id", "kind", "text"),
    "exchanges": ("document_id", "question_turn_ids", "outlet_id"),
    "participants": ("document_id", "id", "name", "label"),
    "outlets": ("document_id", "id", "name"),
    "diagnostics": ("document_id", "severity", "code"),
}
TOP = 15  # bars of a chart of names (outlets, speakers); the rest are summed in one bar
# Answer lengths in characters: the lower bound of each bin of the histogram.
LENGTH_BINS = (0, 50, 100, 200, 400, 800, 1600, 3200)


def read_run(out: Path) -> dict[str, list[Row]]:
    """The columns in `COLUMNS` of the tables `convert` wrote to `out` (CSV or Parquet), and the rows of
    its errors.jsonl as the table `errors`."""
    run = {table: _read_table(out / table, columns) for table, columns in COLUMNS.items()}
    errors = out / ERRORS
    lines = errors.read_bytes().splitlines() if errors.is_file() else []
    run["errors"] = [{"id": e["id"], "code": e["code"]} for e in map(orjson.loads, lines)]
    return run


def _read_table(folder: Path, columns: tuple[str, ...]) -> list[Row]:
    if csv_parts := sorted(folder.glob("part-*.csv")):
        try:
            return [{c: row[c] for c in columns} for part in csv_parts for row in read_csv_table(part)]
        except KeyError as error:  # a column that another version of convert names otherwise
            raise UsageError(_other_column(folder, error.args[0], columns)) from error
    parquet_parts = sorted(folder.glob("part-*.parquet"))
    if not parquet_parts:
        raise UsageError(f"{folder} holds no table: report reads the output of convert --format csv or parquet")
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise UsageError("Parquet tables need pyarrow: pip install 'briefing-parser[parquet]'") from error
    names = pq.read_schema(parquet_parts[0]).names
    if missing := [c for c in columns if c not in names]:
        raise UsageError(_other_column(folder, missing[0], columns))
    return list(pq.read_table(folder, columns=list(columns)).to_pylist())


def _other_column(folder: Path, column: str, columns: tuple[str, ...]) -> str:
    return f"{folder}: unknown or missing column {column!r}; report reads {', '.join(columns)}"


@dataclass(frozen=True)
class Chart:
    """One chart: its id, title, a note under it, its bars (label, value) and whether bars stand in a row
    (a time line or a histogram) or lie one under another (names)."""

    id: str
    title: str
    note: str
    bars: list[tuple[str, int]]
    shape: Literal["columns", "rows"]


@dataclass(frozen=True)
class Figures:
    """What the report shows: the counts, failures by code, the charts, the pages with most warnings."""

    counts: dict[str, int]
    failures: list[tuple[str, int]]
    charts: list[Chart]
    worst: list[Row]


def summarize(run: dict[str, list[Row]], top: int = 20) -> Figures:
    """The figures of a run from its tables (as `read_run` gives them)."""
    briefings, turns, exchanges = run["briefings"], run["turns"], run["exchanges"]
    failed = {e["id"] for e in run["errors"]}
    warnings: dict[str, Counter[str]] = {}  # page → its warnings by code
    for d in run["diagnostics"]:
        if d["severity"] == "warning":
            warnings.setdefault(d["document_id"], Counter())[d["code"]] += 1
    counts = {"pages": len({b["document_id"] for b in briefings} | failed), "turns": len(turns),
              "exchanges": len(exchanges), "failed pages": len(failed),
              "warnings": sum(c.total() for c in warnings.values())}
    outlet_names = {(o["document_id"], o["id"]): o["name"] for o in run["outlets"]}
    speaker_names = {(p["document_id"], p["id"]): p["name"] or p["label"] or "(no label)"
                     for p in run["participants"]}
    questions = [(x["document_id"], x["outlet_id"]) for x in exchanges if x["question_turn_ids"]]
    answers = [t for t in turns if t["kind"] == "answer"]
    asking = [outlet_names[key] for key in questions if key in outlet_names]
    speaking = [name for t in answers if (name := speaker_names.get((t["document_id"], t["participant_id"])))]
    dated = [b["held_on"] for b in briefings if b["held_on"] is not None]
    charts = [
        Chart("months", "Conferences per month", f"pages by the month they were held; "
              f"{len(briefings) - len(dated):,} pages without a date are left out", _per_month(dated), "columns"),
        Chart("outlets", "Questions per outlet", f"exchanges with a question, by the outlet that asked; "
              f"{len(questions) - len(asking):,} name no outlet", _ranked(asking), "rows"),
        Chart("speakers", "Answers per spokesperson", f"answer turns, by the name (else the label) of who "
              f"speaks; {len(answers) - len(speaking):,} without a speaker", _ranked(speaking), "rows"),
        Chart("lengths", "Answer length", "answer turns by their length in characters",
              _histogram(len(t["text"]) for t in answers), "columns"),
        Chart("layouts", "Layouts detected", "pages by the layout that read them",
              _ranked((b["layout"] for b in briefings), limit=None), "rows"),
    ]
    per_page = {b["document_id"]: b for b in briefings}
    turn_counts = Counter(t["document_id"] for t in turns)
    exchange_counts = Counter(x["document_id"] for x in exchanges)
    worst = sorted(warnings, key=lambda page_id: (-warnings[page_id].total(), page_id))[:top]
    listed = [{**per_page[page_id], "warnings": warnings[page_id].total(), "codes": warnings[page_id].most_common(),
               "turns": turn_counts[page_id], "exchanges": exchange_counts[page_id]} for page_id in worst]
    return Figures(counts, _ranked((e["code"] for e in run["errors"]), limit=None), charts, listed)


def _per_month(days: list[date]) -> list[tuple[str, int]]:
    """Counts for every month from the first to the last, the empty months too."""
    if not days:
        return []
    counts = Counter(f"{d:%Y-%m}" for d in days)
    first, last = min(days), max(days)
    months = [f"{year}-{month:02d}" for year in range(first.year, last.year + 1) for month in range(1, 13)]
    return [(m, counts[m]) for m in months if f"{first:%Y-%m}" <= m <= f"{last:%Y-%m}"]


def _ranked(values: Iterable[str], limit: int | None = TOP) -> list[tuple[str, int]]:
    """Counts, largest first (ties by name); beyond `limit`, one bar for the rest."""
    ranked = sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))
    if limit is None or len(ranked) <= limit:
        return ranked
    rest = ranked[limit:]
    return [*ranked[:limit], (f"({len(rest)} others)", sum(n for _, n in rest))]


def _histogram(lengths: Iterable[int]) -> list[tuple[str, int]]:
    counts = Counter(max(i for i, low in enumerate(LENGTH_BINS) if n >= low) for n in lengths)
    labels = [f"{low}–{high - 1}" for low, high in pairwise(LENGTH_BINS)]
    labels.append(f"{LENGTH_BINS[-1]}+")
    return [(label, counts[i]) for i, label in enumerate(labels)]


@dataclass(frozen=True)
class Written:
    """What `report` wrote: the report and the views of the pages it lists (by page id)."""

    report: Path
    views: dict[str, Path]


def report(out: Path, target: Path | None = None, top: int = 20) -> Written:
    """Write the report of the run in `out` (to `target`, default `out/report.html`) and, beside it in
    `views/`, the view of each page it lists whose input is still where the run read it, unchanged."""
    figures = summarize(read_run(out), top)
    target = target or out / "report.html"
    views: dict[str, Path] = {}
    for row in figures.worst:
        doc = _reparse(row)
        if doc is not None:
            path = target.parent / "views" / f"{clean_id(row['document_id'])}.html"
            write_atomically(path, view(doc).encode())
            views[row["document_id"]] = path
    links = {page_id: quote(path.relative_to(target.parent).as_posix()) for page_id, path in views.items()}
    write_atomically(target, render(figures, links).encode())
    return Written(target, views)


def _reparse(row: Row) -> Briefing | None:
    """The Briefing of a listed page, parsed again from its input (its `uri`) when that file still holds the
    bytes the run read; None otherwise (a WARC record, a moved or changed file)."""
    path = Path(row["uri"] or "")
    try:
        data = path.read_bytes() if row["uri"] and path.is_file() else None
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != row["sha256"]:
        log.info("no view of %s: its input is not at %s as the run read it", row["document_id"], row["uri"])
        return None
    return parse(data, uri=row["uri"])


REPORT_CSS = BASE_CSS + """
.counts { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.5rem 0; }
.counts div { background: #fff; border: 1px solid #d1d5db; padding: 0.4rem 0.9rem; min-width: 8rem; }
.counts dd { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 1rem; }
figure { margin: 0; background: #fff; border: 1px solid #d1d5db; padding: 0.6rem; }
figcaption { font-weight: 600; }
figure p { margin: 0.1rem 0 0.4rem; color: #374151; font-size: 0.9rem; }
svg { display: block; width: 100%; height: auto; font: 12px sans-serif; }
svg .bar { fill: #2563eb; } svg .bar:hover { fill: #1e3a8a; }
svg .axis { stroke: #6b7280; } svg text { fill: #111827; }
details { font-size: 0.9rem; margin-top: 0.3rem; }
"""


def render(figures: Figures, links: dict[str, str]) -> str:
    """The report page; `links` gives the view of a listed page (relative URL by page id)."""
    counts = "".join(f'<div><dt>{name}</dt><dd data-count="{name}">{value:,}</dd></div>'
                     for name, value in figures.counts.items())
    failures = _table(["code", "pages"], [[esc(code), str(n)] for code, n in figures.failures], "failures") \
        if figures.failures else '<p id="failures">No page failed.</p>'
    rows = [[f'<a href="{links[r["document_id"]]}">{esc(r["document_id"])}</a>' if r["document_id"] in links
             else f'{esc(r["document_id"])} (no view: its input is not where the run read it)',
             esc(r["title"] or ""), esc(r["layout"]), str(r["warnings"]),
             ", ".join(f"{esc(code)} ×{n}" for code, n in r["codes"]), str(r["turns"]), str(r["exchanges"])]
            for r in figures.worst]
    worst = _table(["page", "title", "layout", "warnings", "codes", "turns", "exchanges"], rows, "worst") \
        if rows else '<p id="worst">No page has a warning.</p>'
    body = (f"<header><h1>Conversion report</h1><dl class=\"counts\">{counts}</dl></header><main>"
            f"<h2>Failures by code</h2>{failures}"
            f'<h2>Charts</h2><div class="charts">{"".join(map(_figure, figures.charts))}</div>'
            f"<h2>Pages with the most warnings</h2>{worst}</main>")
    return page("Conversion report", REPORT_CSS, body)


def _table(head: list[str], rows: list[list[str]], ident: str) -> str:
    header = "".join(f"<th>{h}</th>" for h in head)
    cells = "".join("<tr>" + "".join(f'<td class="n">{cell}</td>' if cell.isdigit() else f"<td>{cell}</td>"
                                     for cell in row) + "</tr>" for row in rows)
    return f'<table id="{ident}"><thead><tr>{header}</tr></thead><tbody>{cells}</tbody></table>'


def _figure(chart: Chart) -> str:
    svg = _columns(chart) if chart.shape == "columns" else _rows(chart)
    numbers = _table(["", "count"], [[esc(label), str(n)] for label, n in chart.bars], f"numbers-{chart.id}")
    return (f'<figure id="chart-{chart.id}" data-chart="{chart.id}"><figcaption id="title-{chart.id}">'
            f"{esc(chart.title)}</figcaption><p>{esc(chart.note)}</p>{svg}"
            f"<details><summary>the numbers</summary>{numbers}</details></figure>")


def _bar(label: str, value: int, x: float, y: float, width: float, height: float) -> str:
    return (f'<rect class="bar" data-label="{esc(label)}" data-value="{value}" x="{x:.1f}" y="{y:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}"><title>{esc(label)}: {value:,}</title></rect>')


def _columns(chart: Chart) -> str:
    """Vertical bars side by side, labelled below (every k-th label where they would crowd)."""
    width, height, left, right, bottom, top = 560, 240, 44, 28, 44, 12
    plot_w, plot_h = width - left - right, height - bottom - top
    peak = max((n for _, n in chart.bars), default=0) or 1
    step = plot_w / max(len(chart.bars), 1)
    every = ceil(len(chart.bars) * 60 / plot_w)  # a label is about 60 units wide
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="title-{chart.id}">',
             f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak:,}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, (label, n) in enumerate(chart.bars):
        h = plot_h * n / peak
        x = left + i * step
        parts.append(_bar(label, n, x + step * 0.1, top + plot_h - h, step * 0.8, h))
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                         f"{esc(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _rows(chart: Chart) -> str:
    """Horizontal bars one under another, the name left of each bar and the count after it."""
    width, row, left = 560, 22, 200
    height = row * len(chart.bars) + 8
    peak = max((n for _, n in chart.bars), default=0) or 1
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="title-{chart.id}">']
    for i, (label, n) in enumerate(chart.bars):
        y = 4 + i * row
        w = (width - left - 60) * n / peak
        shown = label if len(label) <= 24 else label[:23] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{esc(shown)}</text>')
        parts.append(_bar(label, n, left, y + 3, w, row - 6))
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 15}">{n:,}</text>')
    parts.append("</svg>")
    return "".join(parts)
