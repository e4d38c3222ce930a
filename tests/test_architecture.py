"""Site knowledge lives in the profiles: no stage module names a profile, its selectors or its site."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import briefing_parser as bp
from briefing_parser import layouts, offices  # importing layouts registers the built-in profiles

SOURCE = Path(bp.__file__).parent
# The stages of `parse()`: what they know of a site they are told by a profile.
STAGES = ["decode", "html", "segment", "speakers", "classify", "collect", "pipeline", "general", "lexicon"]


def strings(module: str) -> list[str]:
    """The string constants of a module's code, without its docstrings."""
    tree = ast.parse((SOURCE / f"{module}.py").read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def site_words() -> set[str]:
    """What identifies a profile: its name, its selectors, the names it claims its pages by."""
    profiles = [*layouts.LAYOUTS.values(), *offices.OFFICES]
    words = {profile.name for profile in profiles}
    # Selectors but bare tag names (`article` is HTML's, not a site's).
    words |= {s for profile in profiles for s in (*profile.container_selectors, *profile.title_selectors)
              if not s.isalnum()}
    words |= {profile.official_organization for profile in profiles if profile.official_organization}
    return words - {"general"}


@pytest.mark.parametrize("module", STAGES)
def test_stage_names_no_site(module: str) -> None:
    found = sorted({word for value in strings(module) for word in site_words() if word in value})
    assert found == [], f"{module}.py names {found}: that belongs in the site's profile"


def test_the_profiles_are_registered() -> None:
    assert {"timestamp", "mfa-qa", "mfa-named", "mfa-en-qa", "mfa-en-named"} <= set(layouts.LAYOUTS)
    assert "#News_Body_Title" in layouts.title_selectors()


@pytest.mark.parametrize("module", sorted(p.stem for p in SOURCE.glob("*.py") if p.stem != "__main__"))
def test_every_module_imports_first(module: str) -> None:
    """Any module can be the first one imported (no import cycle fails on a partly built module)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", f"import briefing_parser.{module}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr.splitlines()[-1:]
