"""Every answer's typed DataFrames (pandas and polars) follow its one declaration of columns."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import polars as pl
import pytest

import tracker
from tracker.examples import demo_log_path
from tracker.projections.frames import PANDAS_DTYPES, polars_schema
from tracker.projections.shape import Shape

from .test_projections_records import ANSWERS


@pytest.fixture(scope="module")
def grok(tmp_path_factory: pytest.TempPathFactory) -> tracker.Log:
    """A copy of the shipped Grok log."""
    path = tmp_path_factory.mktemp("grok") / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return tracker.open(path)


def main_rows(answer: Any) -> Any:
    """The table an answer's frames are made of (itself, for a list of rows)."""
    return answer._main_rows()  # noqa: SLF001 - the test checks what the frames use


def expected_value(shape: Shape, name: str, record: dict[str, Any]) -> Any:
    """What a frame cell should hold, from the JSON record and the declaration."""
    value = record[name]
    if shape.column(name).kind == "instant" and value is not None:
        return datetime.fromisoformat(value).astimezone(UTC)
    return value


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_pandas_frame_follows_the_declaration(grok: tracker.Log, name: str) -> None:
    """Columns in declared order, dtypes from the declared kinds, values as the JSON holds them."""
    answer = ANSWERS[name](grok.replay(known_at="2026-01-14"))
    rows = main_rows(answer)
    shape = rows.declared
    frame = answer.to_pandas()
    assert list(frame.columns) == [c.name for c in shape.columns]
    for column in shape.columns:
        want = "object" if column.many else PANDAS_DTYPES[column.kind]
        assert str(frame[column.name].dtype) == want, column.name
    records = answer.to_records()
    assert len(frame) == len(records)
    for i, record in enumerate(records):
        for column in shape.columns:
            cell = frame[column.name].iloc[i]
            want = expected_value(shape, column.name, record)
            if want is None:
                assert pd.isna(cell), (column.name, cell)
            elif column.many:
                assert cell == want
            else:
                assert cell == want, column.name


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_polars_frame_follows_the_declaration(grok: tracker.Log, name: str) -> None:
    """The polars schema is the declared one; rows equal the JSON records, instants as datetimes."""
    answer = ANSWERS[name](grok.replay(known_at="2026-01-14"))
    shape = main_rows(answer).declared
    frame = answer.to_polars()
    assert frame.schema == pl.Schema(polars_schema(shape))
    records = answer.to_records()
    got = frame.to_dicts()
    assert len(got) == len(records)
    for row, record in zip(got, records, strict=True):
        assert row == {c.name: expected_value(shape, c.name, record) for c in shape.columns}


def test_open_start_dates_have_a_place_on_the_time_axis(grok: tracker.Log) -> None:
    """An 'on or before' date has no earliest, and its _at column is its latest instant."""
    frame = grok.replay().timeline().to_pandas()
    open_start = frame[frame["occurred"].str.startswith("..")]
    assert len(open_start) > 0
    assert open_start["occurred_earliest"].isna().all()
    assert (open_start["occurred_at"] == open_start["occurred_latest"]).all()
    assert frame["occurred_at"].notna().all()


def test_timeline_rows_carry_speaker_and_stance(grok: tracker.Log) -> None:
    """A statement's row names its speaker and stance; other events leave them null."""
    frame = grok.replay().timeline().to_pandas()
    said = frame[frame["id"] == "uk-gov-insulting"].iloc[0]
    assert (said["speaker"], said["stance"]) == ("uk-gov", -2)
    figure = frame[frame["type"] == "figure"].iloc[0]
    assert pd.isna(figure["speaker"]) and pd.isna(figure["stance"])


def test_lists_stay_lists(grok: tracker.Log) -> None:
    """A list column holds Python lists in pandas and a List dtype in polars."""
    timeline = grok.replay().timeline()
    first = timeline.to_pandas()["actors"].iloc[0]
    assert isinstance(first, list) and first == list(timeline.to_records()[0]["actors"])
    assert timeline.to_polars().schema["actors"] == pl.List(pl.String)


def test_empty_answers_keep_their_columns(grok: tracker.Log) -> None:
    """An answer with no rows still has every declared column, typed."""
    state = grok.replay(known_at="2000-01-01")
    frame = state.stances().to_pandas()
    assert len(frame) == 0
    assert "since_earliest" in frame.columns
    assert str(frame["since_earliest"].dtype) == "datetime64[us, UTC]"
    assert state.figures().to_polars().width == len(
        tracker.projections.FigurePoint.SHAPE.columns
    )


@pytest.mark.parametrize("library", [pd.DataFrame, pl.DataFrame])
def test_a_frame_of_the_answer_itself_fails_clearly(grok: tracker.Log, library: Any) -> None:
    """pandas.DataFrame(state.timeline()) is refused, not a silent column of objects."""
    with pytest.raises(TypeError, match=r"to_pandas\(\)|unsupported type"):
        library(grok.replay().timeline())


def test_html_table_escapes_recorded_text(tmp_path: Any) -> None:
    """Hostile text in a row is shown as text in the notebook's HTML table."""
    from tracker.events import Source, Statement

    with tracker.init(tmp_path / "h.jsonl") as log:
        log.append(
            [
                {"type": "actor", "actor": "gov", "name": "Gov", "kind": "government"},
                {"type": "topic", "topic": "t", "name": "T"},
            ]
        )
        log.append(
            Statement(
                id="s1",
                occurred="2026-01-02",
                speaker="gov",
                topic="t",
                stance=1,
                quote='<script>alert("x")</script>',
                sources=(Source(publisher="<b>P</b>", url="https://example.org/a"),),
            )
        )
        state = log.replay()
    html = state.timeline()._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>P</b>" not in html
    assert state.stances()._repr_html_().count("<tr>") == 2  # the header and one row
    assert "<table" in state.posture()._repr_html_()
