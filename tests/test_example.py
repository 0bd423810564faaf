"""The bundled Grok example: it rebuilds byte for byte, verifies, and holds the article's facts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tracker
import tracker.examples
from tracker.errors import LogExistsError
from tracker.events import Correction, Figure, RegulatoryAction, Statement, Verification
from tracker.examples import build, demo_log_path
from tracker.examples.grok import main

# The pinned head of the shipped log. If a change to the case or to the record format moves
# it, rebuild the log (see docs/example.md) and update these two.
DEMO_HEAD_SEQ = 33
DEMO_HEAD_HASH = "fc450bda2c3a19139c720d0c217a8c85f6a82de1dc8e27c9e7087cb2884ad445"

ARTICLE_CITATION = (
    'Adrien, "DeepFakes pornos : Elon Musk meredakan perdebatan dengan mengubah AI-nya '
    'menjadi layanan berbayar", 12 January 2026, in Indonesian; no URL known'
)


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped log (opening it in place would leave a lock file in the package)."""
    path = tmp_path_factory.mktemp("demo") / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    return path


@pytest.fixture(scope="module")
def demo(demo_copy: Path) -> Iterator[tracker.Log]:
    """The shipped log, open."""
    log = tracker.open(demo_copy)
    yield log
    log.close()


@pytest.fixture(scope="module")
def final(demo: tracker.Log) -> tracker.State:
    """The shipped log replayed with both clocks unbounded."""
    return demo.replay()


def world_event(state: tracker.State, event_id: str) -> object:
    """The current version of an event in ``state`` (failing the test when it is absent)."""
    entry = state.entry(event_id)
    assert entry is not None, f"{event_id} is not in the example"
    return entry.event


# --- the shipped file ------------------------------------------------------------------------


def test_demo_log_path_is_the_packaged_file() -> None:
    """demo_log_path() names grok.jsonl inside the installed tracker.examples package."""
    path = demo_log_path()
    assert path.name == "grok.jsonl"
    assert path.parent == Path(tracker.examples.__file__).parent
    assert path.is_file()


def test_rebuild_is_byte_identical_to_the_shipped_log(tmp_path: Path) -> None:
    """Building the case from its event dicts reproduces the shipped file exactly."""
    with build(tmp_path / "grok.jsonl") as log:
        assert log.head().seq == DEMO_HEAD_SEQ
    assert (tmp_path / "grok.jsonl").read_bytes() == demo_log_path().read_bytes()


def test_shipped_log_verifies_at_the_pinned_head(demo: tracker.Log) -> None:
    """The shipped log verifies cleanly and still ends at the pinned head."""
    report = demo.verify(head=f"{DEMO_HEAD_SEQ}:{DEMO_HEAD_HASH}")
    assert report.records == DEMO_HEAD_SEQ
    assert (report.head.seq, report.head.hash) == (DEMO_HEAD_SEQ, DEMO_HEAD_HASH)
    assert report.head.recorded == "2026-01-14T10:00:00.000000Z"


def test_build_refuses_to_overwrite(tmp_path: Path) -> None:
    """build() never overwrites an existing file."""
    target = tmp_path / "grok.jsonl"
    target.write_bytes(b"keep me\n")
    with pytest.raises(LogExistsError, match="already exists"):
        build(target)
    assert target.read_bytes() == b"keep me\n"


# --- the simulated clock ---------------------------------------------------------------------


def test_recorded_times_follow_the_documented_simulation(demo: tracker.Log) -> None:
    """Actors at 15:00 on the 12th, facts a minute apart, the French batch on the 13th, the fix on the 14th."""
    recorded = {r.event["id"]: (r.seq, r.recorded, r.batch_count) for r in demo.records()}
    assert recorded["actor-elon-musk"] == (1, "2026-01-12T15:00:00.000000Z", 12)
    assert recorded["topic-sexual-deepfakes"] == (12, "2026-01-12T15:00:00.000000Z", 12)
    assert recorded["grok-deepfakes"] == (13, "2026-01-12T15:01:00.000000Z", 1)
    assert recorded["xai-quarterly-loss"] == (22, "2026-01-12T15:10:00.000000Z", 1)
    assert recorded["ec-very-seriously"] == (26, "2026-01-12T15:14:00.000000Z", 1)
    assert recorded["actor-paris-prosecutor"] == (27, "2026-01-13T09:00:00.000000Z", 6)
    assert recorded["paris-investigation-widened"] == (30, "2026-01-13T09:00:00.000000Z", 6)
    assert recorded["fr-mps-condemn"] == (32, "2026-01-13T09:00:00.000000Z", 6)
    assert recorded["fix-xai-quarterly-loss"] == (33, "2026-01-14T10:00:00.000000Z", 1)


def test_late_entry_is_missing_from_an_earlier_known_at(demo: tracker.Log) -> None:
    """The French paragraph, recorded on the 13th, is absent when replaying as known on the 12th."""
    french = ["paris-investigation-widened", "fr-ministers-condemn", "fr-mps-condemn"]
    on_12th = demo.replay(known_at="2026-01-12")
    on_13th = demo.replay(known_at="2026-01-13")
    assert [on_12th.placement(i) for i in french] == [None, None, None]
    assert "paris-prosecutor" not in on_12th.actors
    assert [on_13th.placement(i) for i in french] == ["counted", "counted", "counted"]
    assert on_13th.actors["paris-prosecutor"].jurisdiction == "FR"


def test_mistyped_figure_is_corrected_on_the_14th(demo: tracker.Log) -> None:
    """xAI's loss reads 14.6 as known on the 12th and 13th, and 1.46 once the correction is recorded."""
    values = {}
    for known_at in ("2026-01-12", "2026-01-13", "2026-01-14", None):
        event = world_event(demo.replay(known_at=known_at), "xai-quarterly-loss")
        assert isinstance(event, Figure)
        values[known_at] = event.value
    assert values == {"2026-01-12": 14.6, "2026-01-13": 14.6, "2026-01-14": 1.46, None: 1.46}


def test_demo_material_is_labelled(demo: tracker.Log, final: tracker.State) -> None:
    """Only the mistyped figure and its correction carry the demo tag, and both say so."""
    tagged = {s.event.id: s.event for s in demo.events() if "demo" in s.event.tags}
    assert sorted(tagged) == ["fix-xai-quarterly-loss", "xai-quarterly-loss"]
    assert tagged["xai-quarterly-loss"].summary.startswith("DEMO, deliberately mistyped")
    fix = tagged["fix-xai-quarterly-loss"]
    assert isinstance(fix, Correction)
    assert fix.reason.startswith("DEMO of the correction flow")
    assert fix.summary.startswith("Demonstration of the correction flow")
    corrected = world_event(final, "xai-quarterly-loss")
    assert isinstance(corrected, Figure)
    assert corrected.tags == ("finance",)
    assert [(h.kind, h.seq) for h in final.history("xai-quarterly-loss")] == [
        ("recorded", 22),
        ("correction", 33),
    ]


def test_as_of_before_the_new_year_counts_only_the_2024_figure(demo: tracker.Log) -> None:
    """Replayed as of 31 December 2025 only X's 2024 revenue drop certainly happened."""
    state = demo.replay(as_of="2025-12-31")
    assert state.timeline().ids() == ["x-uk-revenue-drop"]
    assert state.placement("bloomberg-images-per-hour") == "future"
    assert state.placement("ofcom-demand") == "uncertain"
    assert len(state.uncertain()) == 15


# --- the facts -------------------------------------------------------------------------------


def test_timeline_holds_every_fact_of_the_article(final: tracker.State) -> None:
    """The final state counts the seventeen facts, by their readable ids."""
    assert sorted(final.timeline().ids()) == [
        "bloomberg-images-per-hour",
        "crans-montana-victims",
        "ec-preservation-order",
        "ec-very-seriously",
        "fr-ministers-condemn",
        "fr-mps-condemn",
        "grok-deepfakes",
        "grok-paywall-claim",
        "ofcom-demand",
        "paris-investigation-widened",
        "paywall-move",
        "uk-fine-threat",
        "uk-gov-insulting",
        "verge-test",
        "x-uk-revenue-drop",
        "xai-quarterly-loss",
        "xai-raise",
    ]
    assert sorted(final.topics) == ["image-paywall", "sexual-deepfakes"]


def test_actors_and_relations(final: tracker.State) -> None:
    """Grok is developed by xAI and runs on X; X and xAI are led by Musk; regulators have jurisdictions."""
    actors = final.actors
    relations = {
        slug: sorted((r.type, r.target) for r in actor.relations) for slug, actor in actors.items()
    }
    assert relations["grok"] == [("developed_by", "xai"), ("runs_on", "x")]
    assert relations["xai"] == [("led_by", "elon-musk")]
    assert relations["x"] == [("led_by", "elon-musk")]
    kinds = {slug: (a.kind, a.jurisdiction) for slug, a in actors.items()}
    assert kinds == {
        "elon-musk": ("person", None),
        "xai": ("company", None),
        "x": ("platform", None),
        "grok": ("product", None),
        "ofcom": ("regulator", "GB"),
        "uk-gov": ("government", "GB"),
        "uk-unnamed": ("government", "GB"),
        "european-commission": ("regulator", "EU"),
        "bloomberg": ("media", None),
        "the-verge": ("media", None),
        "paris-prosecutor": ("prosecutor", "FR"),
        "fr-ministers": ("government", "FR"),
        "fr-mps": ("legislator", "FR"),
    }


def test_verge_verification_contradicts_the_paywall_claim(final: tracker.State) -> None:
    """The Verge's test targets Grok's paywall statement and contradicts it."""
    verge = world_event(final, "verge-test")
    assert isinstance(verge, Verification)
    assert (verge.verifier, verge.target, verge.verdict) == (
        "the-verge",
        "grok-paywall-claim",
        "contradicted",
    )
    claim = world_event(final, "grok-paywall-claim")
    assert isinstance(claim, Statement)
    assert claim.speaker == "grok"
    assert claim.quote == (
        "Pembuatan dan pengeditan gambar saat ini hanya tersedia untuk pelanggan berbayar"
    )
    assert claim.stance is None


def test_regulatory_actions_sit_on_their_rungs(final: tracker.State) -> None:
    """Each regulatory action has the regulator, target, jurisdiction and rung the article supports."""
    actions = {
        entry.id: (e.regulator, e.target, e.jurisdiction, e.rung)
        for entry in final.timeline(type="regulatory_action")
        if isinstance(e := entry.event, RegulatoryAction)
    }
    assert actions == {
        "ofcom-demand": ("ofcom", "x", "GB", "demand"),
        "uk-fine-threat": ("uk-unnamed", "x", "GB", "fine_threatened"),
        "ec-preservation-order": ("european-commission", "x", "EU", "preservation_order"),
        "paris-investigation-widened": ("paris-prosecutor", "grok", "FR", "investigation_widened"),
    }


def test_statements_and_their_stances(final: tracker.State) -> None:
    """The UK government is strongly against the paywall; the EC and the French are against the deepfakes."""
    stances = {
        entry.id: (e.speaker, e.topic, e.stance)
        for entry in final.timeline(type="statement")
        if isinstance(e := entry.event, Statement)
    }
    assert stances == {
        "grok-paywall-claim": ("grok", "image-paywall", None),
        "uk-gov-insulting": ("uk-gov", "image-paywall", -2),
        "ec-very-seriously": ("european-commission", "sexual-deepfakes", -1),
        "fr-ministers-condemn": ("fr-ministers", "sexual-deepfakes", -2),
        "fr-mps-condemn": ("fr-mps", "sexual-deepfakes", -2),
    }


def test_figures_as_the_article_gives_them(final: tracker.State) -> None:
    """Bloomberg's rate, xAI's loss and raise, and X's UK revenue drop, with units and flags."""
    figures = {
        entry.id: (
            e.metric,
            e.value,
            e.unit,
            e.approximate,
            str(e.period) if e.period else None,
            e.subject,
            e.reported_by,
        )
        for entry in final.timeline(type="figure")
        if isinstance(e := entry.event, Figure)
    }
    assert figures == {
        "bloomberg-images-per-hour": (
            "sexualised_images_generated",
            6700,
            "per_hour",
            True,
            "2026-01-01..2026-01-12",
            "grok",
            "bloomberg",
        ),
        "xai-quarterly-loss": ("quarterly_net_loss", 1.46, "USD_billion", False, None, "xai", None),
        "xai-raise": ("funding_raised", 20, "USD_billion", False, None, "xai", None),
        "x-uk-revenue-drop": ("uk_revenue_decline", 60, "percent", True, "2024", "x", None),
    }


def test_no_date_more_precise_than_the_article(demo: tracker.Log) -> None:
    """Occurred and published dates are only '..2026-01-12', the early-January interval, 2024 or the article's day."""
    occurred: dict[str, str] = {}
    published: set[str] = set()
    for stored in demo.events():
        events = [stored.event]
        if isinstance(stored.event, Correction):
            events.append(stored.event.replacement)
        for event in events:
            if event.occurred is not None:
                occurred[event.id or stored.event.id or ""] = event.occurred.text
            published.update(s.published.text for s in event.sources if s.published)
    assert sorted(set(occurred.values())) == ["..2026-01-12", "2024", "2026-01-01..2026-01-12"]
    assert {k for k, v in occurred.items() if v != "..2026-01-12"} == {
        "bloomberg-images-per-hour",
        "x-uk-revenue-drop",
    }
    assert published == {"2026-01-12", "..2026-01-12"}


def test_every_fact_cites_the_article_without_inventing_urls(demo: tracker.Log) -> None:
    """Each world event cites the article by author, title, date and language; no source has a URL."""
    original_publishers = set()
    for stored in demo.events():
        event = stored.event
        if event.KIND != "world":
            assert all(s.url is None for s in event.sources)
            continue
        assert event.sources[0].citation == ARTICLE_CITATION
        assert event.sources[0].quote, f"{event.id}: the article's words are missing"
        assert all(s.url is None for s in event.sources)
        original_publishers.update(s.publisher for s in event.sources[1:])
    assert original_publishers == {
        "Bloomberg",
        "European Commission",
        "Grok (its account on X)",
        "Ofcom",
        "Paris prosecutor's office",
        "The Verge",
        "UK government",
    }


# --- rebuilding from the command line --------------------------------------------------------


def test_main_refuses_an_existing_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --force the rebuild leaves an existing file alone and exits 1 with one line."""
    target = tmp_path / "grok.jsonl"
    target.write_bytes(b"keep me\n")
    assert main(["--out", str(target)]) == 1
    assert capsys.readouterr().err == f"error: {target} already exists; add --force to replace it\n"
    assert target.read_bytes() == b"keep me\n"


def test_main_refuses_a_missing_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PATH in a directory that does not exist is refused with one line."""
    target = tmp_path / "nowhere" / "grok.jsonl"
    assert main(["--out", str(target)]) == 1
    assert capsys.readouterr().err == (
        f"error: the directory {target.parent} does not exist; create it first\n"
    )


def test_module_rebuilds_the_shipped_log_with_force(tmp_path: Path) -> None:
    """python -m tracker.examples.grok --out PATH --force replaces PATH with the shipped bytes."""
    target = tmp_path / "grok.jsonl"
    target.write_bytes(b"old\n")
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "tracker.examples.grok",
            "--out",
            str(target),
            "--force",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"wrote {target}: 33 records, head 33:{DEMO_HEAD_HASH}\n"
    assert target.read_bytes() == demo_log_path().read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grok.jsonl"]


# --- the documentation page stays true -------------------------------------------------------

PAGE = Path(__file__).resolve().parents[1] / "docs" / "example.md"


def example_page() -> str:
    """The bundled example's page (docs/example.md)."""
    return PAGE.read_text(encoding="utf-8")


def fenced(section: str, language: str) -> list[str]:
    """The bodies of the section's fenced blocks in ``language``."""
    return [
        block.split("\n", 1)[1]
        for block in section.split("```")[1::2]
        if block.startswith(language + "\n")
    ]


def test_the_page_table_matches_the_log(demo: tracker.Log) -> None:
    """Each row of the example page's event table has the id, type, occurred and recorded time of the log."""
    rows = [
        [cell.strip().strip("`") for cell in line.strip("|").split("|")][:4]
        for line in example_page().splitlines()
        if line.startswith("| `")
    ]
    expected = [
        [
            s.event.id or "",
            s.event.type,
            s.event.occurred.text if s.event.occurred else "—",
            s.recorded[:16].replace("T", " "),
        ]
        for s in demo.events()
        if s.event.KIND != "registration"
    ]
    assert rows == expected


def test_the_page_python_example_prints_what_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example page's Python example, run in a fresh directory, prints the output shown under it."""
    section = example_page()
    (code,) = fenced(section, "python")
    (shown,) = fenced(section, "text")
    monkeypatch.chdir(tmp_path)
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == shown
