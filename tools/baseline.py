"""The package as it was at a git revision, imported beside this one as `briefing_parser_baseline`."""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load(ref: str) -> ModuleType:
    """`briefing_parser` at `ref` (a commit, a tag, a branch), for comparing outputs or timings in one process."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src/briefing_parser"],
                             capture_output=True, check=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="briefing-baseline-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "src" / "briefing_parser").rename(folder / "briefing_parser_baseline")
    sys.path.insert(0, str(folder))
    return importlib.import_module("briefing_parser_baseline")
