"""The example notebook runs, start to end, in a real Jupyter kernel (issue 15).

``examples/grok.ipynb`` walks the bundled case from Python: open, replay at two dates,
stances, figures to a DataFrame and a chart. nbclient executes every cell in an IPython
kernel (ipykernel) as Jupyter would; any error in any cell fails the test.

The kernel is this interpreter (the venv's python, where tracker and the test extras are
installed), named by a kernelspec written for the test alone: a ``python3`` kernel that a
user or the system registered elsewhere (another python, without tracker) is never picked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "grok.ipynb"
KERNEL = "tracker-tests"
# cell tags with which nbclient would let a cell fail (or not run it at all)
LENIENT_TAGS = {"raises-exception", "skip-execution"}


@pytest.fixture
def kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A kernelspec for this interpreter, found first, and the kernel's folders under tmp_path."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "tracker tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))  # the kernel inherits it
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    work = tmp_path / "work"
    work.mkdir()
    return work


def run(notebook: nbformat.NotebookNode, work: Path) -> None:
    """Execute every cell in the tests' kernel; the first cell that raises fails the run."""
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(work)}},
        allow_errors=False,
    ).execute()


def test_the_notebook_runs_in_a_kernel(kernel_env: Path) -> None:
    """Every cell runs without error and the answers show as tables and a chart."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") for c in code), (
        "the notebook is kept without outputs (clear them before committing)"
    )
    assert all(not LENIENT_TAGS & set(c.metadata.get("tags", ())) for c in code), (
        "no cell may be tagged to fail or to be skipped"
    )
    run(notebook, kernel_env)
    assert all(c.execution_count for c in code)  # every code cell ran
    outputs = [o for c in code for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('<table class="tracker-timeline_event"' in h for h in html)  # early.timeline()
    assert any('<table class="tracker-stance_step"' in h for h in html)  # now.stances()
    assert any("occurred_at" in h for h in html)  # a DataFrame of figures, typed
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the chart
    text = "".join(o.get("text", "") for o in outputs)
    assert "as of 9 January:" in text
    assert "2026-01-12 15:14:00+00:00 26" in text  # known_at="@26"


def test_an_error_in_a_cell_fails_the_run(kernel_env: Path) -> None:
    """The runner the test above uses stops at a cell that raises, and says which error: a
    cell in the middle of the notebook that fails is never passed over."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    code[2].source += "\nlog.replay(as_of='not a date')"
    with pytest.raises(CellExecutionError, match="InvalidDateError"):
        run(notebook, kernel_env)
    assert [bool(c.execution_count) for c in code[:4]] == [True, True, True, False]
