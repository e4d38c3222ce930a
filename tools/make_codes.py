"""Write README.md's reference of diagnostic codes from the code: every dotted code the package passes to a call
(`diagnostic(...)`, `PageError(...)`, …) or appends as a page's (code, message) problem, with its severity and
its message, placeholders as `{name}`.

Run:  .venv/bin/python tools/make_codes.py           (rewrites the reference in README.md)
      .venv/bin/python tools/make_codes.py --check   (exits 1 when the reference is out of date)
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE, README = ROOT / "src" / "briefing_parser", ROOT / "README.md"
CODE = re.compile(r"[a-z]+\.[a-z]+(?:_[a-z]+)*")  # decode.fallback_encoding
SEVERITIES = ("error", "warning", "info")
BEGIN = "<!-- codes: written by tools/make_codes.py from the code; do not edit by hand -->"
END = "<!-- end of codes -->"


def message(node: ast.expr) -> str:
    """A message as the code writes it, with `{expression}` where it puts a value (`{…}` for a long one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else message(v.value)
                       for v in node.values if isinstance(v, ast.Constant | ast.FormattedValue))
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "str" and len(node.args) == 1:
        node = node.args[0]  # str(error) → {error}
    text = ast.unparse(node)
    return "{" + (text if len(text) <= 30 else "…") + "}"


def severity(call: ast.Call) -> str:
    """`diagnostic(code, message, severity)` says it (a warning by default); any other call with a code
    fails a page: `PageError` in errors.jsonl, an error object of `parse`."""
    if ast.unparse(call.func) != "diagnostic":
        return "error"
    given = [a for a in [*call.args[2:], *(k.value for k in call.keywords if k.arg == "severity")]
             if isinstance(a, ast.Constant) and a.value in SEVERITIES]
    return str(given[0].value) if given else "warning"


def codes() -> dict[str, dict[str, set[str]]]:
    """Each code → its severities, modules and messages."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(code: str, level: str, module: str, text: str) -> None:
        found[code]["severity"].add(level)
        found[code]["module"].add(module)
        found[code]["message"].add(text)

    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            args = node.args
            for index, arg in enumerate(args[:-1]):  # a code is followed by its message
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.fullmatch(arg.value):
                    add(arg.value, severity(node), path.name, message(args[index + 1]))
            # page.problems.append((code, message)): the pipeline makes each a warning
            if isinstance(node.func, ast.Attribute) and node.func.attr == "append" and len(args) == 1:
                pair = args[0]
                if isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and isinstance(pair.elts[0], ast.Constant) \
                        and isinstance(pair.elts[0].value, str) and CODE.fullmatch(pair.elts[0].value):
                    add(pair.elts[0].value, "warning", path.name, message(pair.elts[1]))
    return found


def reference() -> str:
    """The reference as README.md holds it, markers included."""
    rows = ["| code | severity | message | module |", "|---|---|---|---|"]
    for code, facts in sorted(codes().items()):
        texts = " / ".join(sorted(facts["message"])).replace("|", "\\|")
        rows.append(f"| `{code}` | {', '.join(sorted(facts['severity']))} | {texts} | "
                    f"{', '.join(sorted(facts['module']))} |")
    return "\n".join([BEGIN, *rows, END])


def current(readme: str) -> str:
    """README.md's text with the reference written anew."""
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[:start] + reference() + readme[end:]


def main() -> None:
    readme = README.read_text(encoding="utf-8")
    fresh = current(readme)
    if "--check" in sys.argv[1:]:
        if fresh != readme:
            raise SystemExit("README.md's reference of diagnostic codes is out of date: run tools/make_codes.py")
        return
    README.write_text(fresh, encoding="utf-8")


if __name__ == "__main__":
    main()
