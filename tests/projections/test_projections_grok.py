"""The issue's questions, answered on the bundled Grok log with written-out answers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

import tracker
from tracker.errors import InvalidEventError, UnknownIdError
from tracker.examples import demo_log_path


@pytest.fixture(scope="module")
def grok(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tracker.Log]:
    """A copy of the shipped Grok log (the package's own file stays untouched)."""
    path = tmp_path_factory.mktemp("grok") / "grok.jsonl"
    shutil.copyfile(demo_log_path(), path)
    log = tracker.open(path)
    yield log
    log.close()


@pytest.fixture(scope="module")
def end(grok: tracker.Log) -> tracker.State:
    """Everything recorded, everything that happened."""
    return grok.replay()


def test_uk_government_stance_on_the_paywall_move(end):
    """The UK government is strongly against (-2) the paywall move, on the evidence of its 'insulting' statement."""
    (stance,) = end.stances(holder="uk-gov")
    assert (stance.topic, stance.position, stance.evidence, stance.since.text) == (
        "image-paywall",
        -2,
        ("uk-gov-insulting",),
        "..2026-01-12",
    )
    assert stance.quote == "menghina korban misogini dan kekerasan seksual"
    assert [
        (c.kind, c.position_before, c.position_after, c.before, c.after)
        for c in end.stance_changes(holder="uk-gov")
    ] == [("new", None, -2, None, "uk-gov-insulting")]
    evidence = end.entry("uk-gov-insulting").event
    assert [s.publisher for s in evidence.sources][-1] == "UK government"
    assert [(s.holder, s.position) for s in end.stances(topic="image-paywall")] == [("uk-gov", -2)]


def test_the_verge_verdict_and_the_claims_status(end):
    """The Verge contradicted Grok's paywall claim, which stays on record, marked contested."""
    claim = end.disputes().claim("grok-paywall-claim")
    assert [(v.verification, v.verifier, v.verdict) for v in claim.verdicts] == [
        ("verge-test", "the-verge", "contradicted")
    ]
    assert (claim.type, claim.status, claim.disputed, claim.placement) == (
        "statement",
        "contradicted",
        True,
        "counted",
    )
    assert [c.event for c in end.disputes().contested] == ["grok-paywall-claim"]
    assert "grok-paywall-claim" in end.timeline().ids()
    assert [(e.id, e.roles) for e in end.actor("the-verge").events] == [
        ("verge-test", ("verifier",))
    ]


def test_posture_of_the_commission_and_ofcom_at_the_end(end):
    """The Commission holds a preservation order (3) over X and Ofcom a demand (4); the table shows everyone."""
    posture = end.posture()
    ec = posture.of("european-commission", "x")
    ofcom = posture.of("ofcom", "x")
    assert (ec.rung, ec.level, ec.event, ec.jurisdiction) == (
        "preservation_order",
        3,
        "ec-preservation-order",
        "EU",
    )
    assert (ofcom.rung, ofcom.level, ofcom.event, ofcom.jurisdiction) == (
        "demand",
        4,
        "ofcom-demand",
        "GB",
    )
    assert posture.table() == {
        "grok": {"paris-prosecutor": "investigation_widened"},
        "x": {
            "european-commission": "preservation_order",
            "ofcom": "demand",
            "uk-unnamed": "fine_threatened",
        },
    }
    assert [(s.regulator, s.kind, s.to_rung) for s in posture.steps_of("ofcom", "x")] == [
        ("ofcom", "escalation", "demand")
    ]


def test_xai_figures_with_units(end):
    """xAI's figures: a 20 billion dollar raise and the corrected 1.46 billion dollar quarterly loss."""
    figures = end.figures(subject="xai")
    assert [(p.id, p.metric, p.value, p.unit, p.text, p.corrected_by) for p in figures.points] == [
        ("xai-raise", "funding_raised", 20.0, "USD_billion", "20 billion US dollars", ()),
        (
            "xai-quarterly-loss",
            "quarterly_net_loss",
            1.46,
            "USD_billion",
            "1.46 billion US dollars",
            ("fix-xai-quarterly-loss",),
        ),
    ]
    in_millions = end.figures(subject="xai", unit="USD_million")
    assert [(p.value, p.unit, p.given_value, p.given_unit) for p in in_millions.points] == [
        (20000.0, "USD_million", 20.0, "USD_billion"),
        (1460.0, "USD_million", 1.46, "USD_billion"),
    ]
    bloomberg = end.figures(metric="sexualised_images_generated", unit="per_day").points[0]
    assert (bloomberg.value, bloomberg.approximate, bloomberg.reporter, bloomberg.subject) == (
        160800.0,
        True,
        "bloomberg",
        "grok",
    )


def test_the_correction_in_the_record(grok):
    """Until the 14th the loss reads 14.6 billion; the diff from the 13th to the 14th shows the correction."""
    on_13th = grok.replay(known_at="2026-01-13")
    assert [p.value for p in on_13th.figures(metric="quarterly_net_loss").points] == [14.6]
    d = tracker.diff(on_13th, grok.replay(known_at="2026-01-14"))
    assert [(c.section, c.change, c.id) for c in d.changes] == [
        ("event", "corrected", "xai-quarterly-loss"),
        ("figure", "corrected", "xai-quarterly-loss"),
        ("fix", "added", "fix-xai-quarterly-loss"),
    ]
    assert (
        d.figures[0].summary
        == "quarterly_net_loss: 1.46 billion US dollars (was 14.6 billion US dollars)"
    )


def test_what_a_replay_before_the_paywall_announcement_lacks(grok, end):
    """Known only up to just before the paywall move was recorded, the log has the harm and nothing of the reaction."""
    early = grok.replay(known_at="2026-01-12T15:02")
    assert early.timeline().ids() == ["grok-deepfakes", "crans-montana-victims"]
    assert early.entry("paywall-move") is None
    assert len(early.stances()) == 0
    assert len(early.posture().current) == 0
    assert len(early.disputes().claims) == 0
    assert len(early.figures()) == 0
    lacking = [c.id for c in tracker.diff(early, end).events if c.change == "added"]
    assert lacking == [
        "paywall-move",
        "grok-paywall-claim",
        "verge-test",
        "uk-gov-insulting",
        "ofcom-demand",
        "ec-preservation-order",
        "xai-quarterly-loss",
        "xai-raise",
        "uk-fine-threat",
        "ec-very-seriously",
        "paris-investigation-widened",
        "fr-ministers-condemn",
        "fr-mps-condemn",
        "x-uk-revenue-drop",
        "bloomberg-images-per-hour",
    ]


def test_as_of_before_the_article_date(grok):
    """As of the 11th only the 2024 revenue figure certainly happened; the rest is uncertain, not absent."""
    state = grok.replay(as_of="2026-01-11")
    assert state.timeline().ids() == ["x-uk-revenue-drop"]
    assert "paywall-move" in state.uncertain().ids()
    assert len(state.stances()) == 0
    assert len(state.posture().current) == 0
    assert [p.id for p in state.figures().points] == ["x-uk-revenue-drop"]


def test_actor_view_of_xai(end):
    """xAI is led by Musk and develops Grok; it faces no regulator directly and has two figures."""
    view = end.actor("xai")
    assert [(r.source, r.relation, r.target) for r in view.relations] == [
        ("xai", "led_by", "elon-musk"),
        ("grok", "developed_by", "xai"),
    ]
    assert view.by_role() == {"subject": ["xai-quarterly-loss", "xai-raise"]}
    assert len(view.actions_faced) == 0
    x = end.actor("x")
    assert [(r.regulator, r.rung) for r in x.actions_faced] == [
        ("european-commission", "preservation_order"),
        ("ofcom", "demand"),
        ("uk-unnamed", "fine_threatened"),
    ]


@pytest.mark.parametrize("fold", [False, True])
def test_a_timeline_filter_naming_nothing_known_is_refused(grok: tracker.Log, fold: bool) -> None:
    """Main: ``state.timeline(actor="uk-gv")`` (or a misspelt topic or type) gave an empty
    timeline in Python, read as "no events", while ``tracker replay`` refused the typo. Now
    both the read model's state and the fold refuse it, with the closest id."""
    state = grok.replay(fold=fold)
    with pytest.raises(UnknownIdError, match="unknown actor 'uk-gv'; did you mean 'uk-gov'"):
        state.timeline(actor="uk-gv")
    with pytest.raises(UnknownIdError, match="unknown topic 'paywal'; did you mean 'image-paywall'"):
        state.timeline(topic="paywal")
    with pytest.raises(InvalidEventError, match="unknown event type 'figur'; did you mean"):
        state.timeline(type="figur")
    assert len(list(state.timeline(actor="uk-gov"))) > 0
    assert list(state.timeline(tag="no-such-tag")) == []  # tags are free: none is refused
