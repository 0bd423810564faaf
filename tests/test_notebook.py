"""The example notebook runs, start to end, in a real Jupyter kernel (issue 15).

``examples/grok.ipynb`` walks the bundled case from Python: open, replay at two dates,
stances, figures to a DataFrame and a chart. nbclient executes every cell in an IPython
kernel (ipykernel) as Jupyter would; any error in any cell fails the test.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "grok.ipynb"


def test_the_notebook_runs_in_a_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cell runs without error and the answers show as tables and a chart."""
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))  # the kernel inherits it
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), (
        "the notebook is kept without outputs (clear them before committing)"
    )
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        allow_errors=False,
    ).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any('<table class="tracker-timeline_event"' in h for h in html)  # early.timeline()
    assert any('<table class="tracker-stance_step"' in h for h in html)  # now.stances()
    assert any("occurred_at" in h for h in html)  # a DataFrame of figures, typed
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the chart
    text = "".join(o.get("text", "") for o in outputs)
    assert "as of 9 January:" in text
    assert "2026-01-12 15:14:00+00:00 26" in text  # known_at="@26"
