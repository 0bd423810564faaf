"""The bundled Grok case: every fact of one article, as plain event dicts, on a simulated clock.

The only source of facts is one article, in Indonesian, by "Adrien", dated 12 January 2026:
"DeepFakes pornos : Elon Musk meredakan perdebatan dengan mengubah AI-nya menjadi layanan
berbayar". The text does not name the website that published it, and we know no URL for it,
so every event cites it by author, title, date and language (:data:`ARTICLE`). Where the
article names the original publisher of a fact (Bloomberg, The Verge, the UK government,
Ofcom, the European Commission, the Paris prosecutor; and Grok's own post on X), the event
cites that publisher too, "as reported in the article", again without a URL.

Dates: the article gives no day for any fact, so nothing here is more precise than it allows.
Facts are ``..2026-01-12`` (on or before the article's date); Bloomberg's 24 hours fall "at the
start of the year", recorded as ``2026-01-01..2026-01-12``; X's UK revenue drop is ``2024``.

Quotes are the article's Indonesian words, verbatim; summaries are in English.

The simulated clock
-------------------
The recorded times are a documented simulation (the store's injectable clock), so that both
of replay's clocks have something to show. Each batch below is appended at the instant listed
with it (:data:`SESSIONS`), whatever the wall clock says:

1. 2026-01-12 15:00Z, first pass: the actors and topics in one batch, then the article's facts
   one event per minute from 15:01Z. One figure is deliberately mistyped (xAI's loss as 14.6
   billion instead of 1.46), tagged ``demo``, and says so in its summary.
2. 2026-01-13 09:00Z, late entry: the article's French paragraph (the Paris prosecutor's
   investigation widened to Grok, ministers and MPs condemning), missed in the first pass,
   with the French actors, in one batch. ``replay(known_at="2026-01-12")`` lacks it.
3. 2026-01-14 10:00Z, the fix: a correction of the mistyped figure, tagged ``demo`` (a
   demonstration of the correction flow). ``known_at="2026-01-13"`` still shows 14.6.

Stances are our reading of the article's words: a condemnation or "insulting" is -2 (strongly
against); "takes very seriously" is -1 (concern, short of condemnation). Grok's own post
announces the restriction without arguing for it, so it carries no stance.

Rebuild the shipped log with ``python -m tracker.examples.grok --out PATH``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "ARTICLE",
    "BATCHES",
    "SESSIONS",
    "Batch",
    "Session",
    "SimulatedClock",
    "main",
]

Event = dict[str, Any]

# --- sources -------------------------------------------------------------------------------

ARTICLE_DATE = "2026-01-12"
ON_OR_BEFORE_ARTICLE = "..2026-01-12"

ARTICLE: dict[str, str] = {
    "publisher": "Unnamed website (article by Adrien; the text does not name the site)",
    "citation": (
        'Adrien, "DeepFakes pornos : Elon Musk meredakan perdebatan dengan mengubah AI-nya '
        'menjadi layanan berbayar", 12 January 2026, in Indonesian; no URL known'
    ),
    "published": ARTICLE_DATE,
}
"""The article every fact comes from (a source dict; :func:`article` adds its words)."""


def article(quote: str) -> dict[str, str]:
    """Cite the article, with the Indonesian sentence that states the fact."""
    return {**ARTICLE, "quote": quote}


def as_reported(publisher: str, what: str) -> dict[str, str]:
    """Cite an original publisher that the article names (no URL: the article gives none)."""
    return {
        "publisher": publisher,
        "citation": f"{what}, as reported in the article by Adrien of 12 January 2026; no URL given",
        "published": ON_OR_BEFORE_ARTICLE,
    }


# --- actors and topics ---------------------------------------------------------------------


def _actor(slug: str, name: str, kind: str, **more: Any) -> Event:
    return {
        "id": f"actor-{slug}",
        "type": "actor",
        "actor": slug,
        "name": name,
        "kind": kind,
        **more,
    }


ACTORS: list[Event] = [
    _actor("elon-musk", "Elon Musk", "person"),
    # The article calls xAI "perusahaan induk Grok" (Grok's parent company) and presents Musk as
    # the one who decides for Grok and X ("Elon Musk dan timnya"); hence led_by for both.
    _actor("xai", "xAI", "company", relations=[{"type": "led_by", "target": "elon-musk"}]),
    _actor("x", "X", "platform", relations=[{"type": "led_by", "target": "elon-musk"}]),
    # "Grok, kecerdasan buatan ... terintegrasi di platform X".
    _actor(
        "grok",
        "Grok",
        "product",
        relations=[{"type": "developed_by", "target": "xai"}, {"type": "runs_on", "target": "x"}],
    ),
    _actor(
        "ofcom",
        "Ofcom",
        "regulator",
        aliases=["otoritas komunikasi Inggris"],
        jurisdiction="GB",
    ),
    _actor(
        "uk-gov", "UK government", "government", aliases=["pemerintah Inggris"], jurisdiction="GB"
    ),
    # Who threatened fines is not said: "Di Inggris, reaksi sangat keras dengan ancaman denda
    # terhadap platform" ("In the UK, ... threats of fines against the platform"). Rather than
    # guess (Ofcom or the government), the threat is held by this deliberately unnamed actor; a
    # later source that names who made it would be recorded as a correction of uk-fine-threat.
    _actor(
        "uk-unnamed",
        "UK authorities (not named in the article)",
        "government",
        jurisdiction="GB",
    ),
    _actor(
        "european-commission",
        "European Commission",
        "regulator",
        aliases=["Komisi Eropa"],
        jurisdiction="EU",
    ),
    _actor("bloomberg", "Bloomberg", "media"),
    _actor("the-verge", "The Verge", "media"),
]

FRENCH_ACTORS: list[Event] = [
    _actor(
        "paris-prosecutor",
        "Paris prosecutor's office",
        "prosecutor",
        aliases=["kejaksaan Paris", "parquet de Paris"],
        jurisdiction="FR",
    ),
    _actor("fr-ministers", "French ministers", "government", jurisdiction="FR"),
    _actor("fr-mps", "French members of parliament", "legislator", jurisdiction="FR"),
]

TOPICS: list[Event] = [
    {
        "id": "topic-image-paywall",
        "type": "topic",
        "topic": "image-paywall",
        "name": "Grok image tools behind a paywall",
        "description": (
            "The move restricting Grok's image generation and editing to paying subscribers, "
            "presented as a response to the sexual deepfakes."
        ),
    },
    {
        "id": "topic-sexual-deepfakes",
        "type": "topic",
        "topic": "sexual-deepfakes",
        "name": "Sexual deepfakes made with Grok",
        "description": (
            "Sexualised images of real people, women and minors among them, generated with Grok "
            "from real photos without their consent."
        ),
    },
]

# --- the article's facts (first pass) ------------------------------------------------------

DEEPFAKES: Event = {
    "id": "grok-deepfakes",
    "type": "incident",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "harm": "pornographic deepfakes made from real photos without consent",
    "victims": "women and minors",
    "actors": ["grok", "x"],
    "summary": (
        "Over recent weeks Grok, integrated in X, is accused of generating pornographic "
        "deepfakes from real photos without consent, involving women and minors."
    ),
    "sources": [
        article(
            "Alat ini, yang terintegrasi di platform X, dituduh menghasilkan deepfake pornografi "
            "yang dibuat dari foto nyata tanpa persetujuan individu, melibatkan perempuan dan "
            "anak di bawah umur."
        )
    ],
}

CRANS_MONTANA: Event = {
    "id": "crans-montana-victims",
    "type": "incident",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "harm": "particular victims targeted with sexual deepfakes",
    "victims": "certain victims, as in Crans-Montana",
    "location": "Crans-Montana",
    "actors": ["grok"],
    "summary": (
        "Certain victims, such as in Crans-Montana, are targeted, prompting a wave of outrage "
        "worldwide."
    ),
    "sources": [
        article(
            "Di antara poin-poin paling sensitif, kasus ini berubah menjadi dramatis ketika korban "
            "tertentu, seperti yang terjadi di Crans-Montana, menjadi sasaran, melampaui semua "
            "batas etika dan memicu gelombang kemarahan global."
        )
    ],
}

PAYWALL_MOVE: Event = {
    "id": "paywall-move",
    "type": "policy_change",
    "occurred": ON_OR_BEFORE_ARTICLE,
    # The article attributes the decision to Musk himself ("Elon Musk mengambil keputusan").
    "actor": "elon-musk",
    "product": "grok",
    "rule": "image generation and editing in Grok",
    "before": "available without a paid subscription",
    "after": "limited to paying subscribers",
    "summary": (
        "Elon Musk restricts Grok's image generation and editing to paying subscribers, "
        "turning it into a paid service in response to the outrage."
    ),
    "sources": [
        article(
            "Elon Musk mengambil keputusan tak terduga: mengubah Grok menjadi layanan berbayar "
            "dengan membatasi beberapa fitur hanya untuk pelanggan premium."
        )
    ],
}

PAYWALL_CLAIM: Event = {
    "id": "grok-paywall-claim",
    "type": "statement",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "speaker": "grok",
    "topic": "image-paywall",
    "about": ["grok"],
    "quote": "Pembuatan dan pengeditan gambar saat ini hanya tersedia untuk pelanggan berbayar",
    "summary": (
        "Grok posts on X that image generation and editing are currently limited to paying "
        "subscribers (English rendering of the article's Indonesian quote)."
    ),
    "sources": [
        article(
            "Komunikasi Grok di X bersifat ambigu: “Pembuatan dan pengeditan gambar saat ini "
            "hanya tersedia untuk pelanggan berbayar,” begitu pernyataannya."
        ),
        as_reported("Grok (its account on X)", "Grok's post on X"),
    ],
}

VERGE_TEST: Event = {
    "id": "verge-test",
    "type": "verification",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "verifier": "the-verge",
    "target": "grok-paywall-claim",
    "verdict": "contradicted",
    "finding": (
        "The image features can still be used free of charge through some menus and on the "
        "Grok website or app."
    ),
    "summary": "The Verge finds Grok's image tools still free through some menus and the Grok site or app.",
    "sources": [
        article(
            "Beberapa ahli dan pengamat, termasuk The Verge, dengan cepat menunjukkan bahwa "
            "fitur-fitur terkait gambar tetap dapat diakses gratis melalui beberapa menu dan di "
            "situs atau aplikasi Grok, yang sangat meragukan efektivitas langkah tersebut."
        ),
        as_reported("The Verge", "The Verge's test of Grok's image features"),
    ],
}

UK_GOV_INSULTING: Event = {
    "id": "uk-gov-insulting",
    "type": "statement",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "speaker": "uk-gov",
    "topic": "image-paywall",
    "stance": -2,
    "about": ["grok"],
    "quote": "menghina korban misogini dan kekerasan seksual",
    "summary": (
        "A UK government spokesperson calls the paywall move insulting to victims of misogyny "
        "and sexual violence: monetising the tool offers victims no concrete remedy."
    ),
    "sources": [
        article(
            "Di Inggris, juru bicara pemerintah menyebut langkah ini “menghina korban misogini "
            "dan kekerasan seksual,” dengan menilai monetisasi alat yang menjadi sumber masalah "
            "tidak memberi solusi konkrit bagi korban dan bahkan bisa memperburuk situasi."
        ),
        as_reported("UK government", "A UK government spokesperson's statement"),
    ],
}

OFCOM_DEMAND: Event = {
    "id": "ofcom-demand",
    "type": "regulatory_action",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "regulator": "ofcom",
    "target": "x",
    "jurisdiction": "GB",
    "rung": "demand",
    "summary": "Ofcom, the UK communications regulator, urges X to comply with the law or face an in-depth investigation.",
    "tags": ["regulation"],
    "sources": [
        article(
            "Dari sisi regulasi, Ofcom, otoritas komunikasi Inggris, mendesak X untuk mematuhi "
            "hukum atau menghadapi penyelidikan mendalam."
        ),
        as_reported("Ofcom", "Ofcom's demand to X"),
    ],
}

UK_FINE_THREAT: Event = {
    "id": "uk-fine-threat",
    "type": "regulatory_action",
    "occurred": ON_OR_BEFORE_ARTICLE,
    # The article does not say who threatened the fines; see the uk-unnamed actor above.
    "regulator": "uk-unnamed",
    "target": "x",
    "jurisdiction": "GB",
    "rung": "fine_threatened",
    "summary": (
        "In the UK the platform is threatened with fines if the problem is not resolved; the "
        "article does not say by whom."
    ),
    "tags": ["regulation"],
    "sources": [
        article(
            "Di Inggris, reaksi sangat keras dengan ancaman denda terhadap platform jika masalah "
            "tidak diselesaikan."
        )
    ],
}

EC_PRESERVATION: Event = {
    "id": "ec-preservation-order",
    "type": "regulatory_action",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "regulator": "european-commission",
    "target": "x",
    "jurisdiction": "EU",
    "rung": "preservation_order",
    "summary": (
        "The European Commission asks X to retain all internal documents about Grok "
        "(a document-retention order)."
    ),
    "tags": ["regulation"],
    "sources": [
        article(
            "Komisi Eropa pun meminta platform menyimpan semua dokumen internal terkait Grok, "
            "menunjukkan tekanan institusi yang kuat dan bersifat internasional."
        ),
        as_reported("European Commission", "The European Commission's retention order"),
    ],
}

EC_VERY_SERIOUSLY: Event = {
    "id": "ec-very-seriously",
    "type": "statement",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "speaker": "european-commission",
    "topic": "sexual-deepfakes",
    "stance": -1,
    "about": ["grok"],
    "quote": "sangat serius",
    "summary": (
        'The European Commission says it takes "very seriously" the AI-generated fake sexual '
        "videos of minors."
    ),
    "sources": [
        article(
            "Akhirnya, Komisi Eropa menyatakan bahwa mereka mengambil “sangat serius” kasus video "
            "seksual palsu anak di bawah umur yang dibuat oleh kecerdasan buatan."
        ),
        as_reported("European Commission", "The European Commission's statement"),
    ],
}

BLOOMBERG_RATE: Event = {
    "id": "bloomberg-images-per-hour",
    "type": "figure",
    # "selama 24 jam pada awal tahun": 24 hours at the start of the year, before the article.
    "occurred": "2026-01-01..2026-01-12",
    "metric": "sexualised_images_generated",
    "value": 6700,
    "unit": "per_hour",
    "approximate": True,
    "period": "2026-01-01..2026-01-12",
    "subject": "grok",
    "reported_by": "bloomberg",
    "summary": (
        "Bloomberg: Grok generated about 6,700 sexualised images an hour on average over 24 hours "
        "in early January 2026."
    ),
    "tags": ["scale"],
    "sources": [
        article(
            "Sebuah data mengejutkan menggambarkan skala krisis: menurut laporan Bloomberg, Grok "
            "rata-rata menghasilkan sekitar 6.700 gambar seksual per jam selama 24 jam pada awal "
            "tahun."
        ),
        as_reported("Bloomberg", "Bloomberg's report on Grok's image output"),
    ],
}


def _xai_loss(value: float, summary: str, tags: list[str]) -> Event:
    """xAI's quarterly net loss (the article names no quarter, so no period is given)."""
    return {
        "type": "figure",
        "occurred": ON_OR_BEFORE_ARTICLE,
        "metric": "quarterly_net_loss",
        "value": value,
        "unit": "USD_billion",
        "subject": "xai",
        "summary": summary,
        "tags": tags,
        "sources": [
            article(
                "Laporan keuangan triwulanan xAI menunjukkan kerugian bersih sebesar 1,46 miliar "
                "dolar, angka mengkhawatirkan yang mencerminkan dampak negatif kontroversi terhadap "
                "citra dan performa ekonomi perusahaan."
            )
        ],
    }


XAI_LOSS_MISTYPED: Event = {
    "id": "xai-quarterly-loss",
    **_xai_loss(
        14.6,
        "DEMO, deliberately mistyped: xAI's quarterly net loss entered as USD 14.6 billion "
        "(the article says 1.46) to demonstrate the correction flow; see fix-xai-quarterly-loss.",
        ["demo", "finance"],
    ),
}

XAI_RAISE: Event = {
    "id": "xai-raise",
    "type": "figure",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "metric": "funding_raised",
    "value": 20,
    "unit": "USD_billion",
    # The article speaks of "proyek ini" (this project) in a passage about xAI and X.
    "subject": "xai",
    "summary": "A recent funding round of USD 20 billion was raised, a sign investors still back Musk's team.",
    "tags": ["finance"],
    "sources": [
        article(
            "Pendanaan baru-baru ini sebesar 20 miliar dolar berhasil dihimpun, menandakan bahwa "
            "pelaku finansial masih percaya pada kemampuan Elon Musk dan timnya untuk membalikkan "
            "keadaan dan menembus pasar."
        )
    ],
}

X_UK_REVENUE: Event = {
    "id": "x-uk-revenue-drop",
    "type": "figure",
    "occurred": "2024",
    "metric": "uk_revenue_decline",
    "value": 60,
    "unit": "percent",
    "approximate": True,
    "period": "2024",
    "subject": "x",
    "summary": (
        "X's revenue in the UK fell by almost 60% in 2024, as advertisers worried about abuse "
        "on the network withdrew en masse."
    ),
    "tags": ["finance"],
    "sources": [
        article(
            "Selain itu, X mengalami penurunan hampir 60% dalam pendapatan di Inggris pada tahun "
            "2024, akibat penarikan besar-besaran pengiklan yang khawatir terhadap penyalahgunaan "
            "di jejaring sosial."
        )
    ],
}

# --- the late entry (second pass) ----------------------------------------------------------

_FRENCH_PARAGRAPH = (
    "Di Prancis, penyelidikan kejaksaan Paris diperluas mencakup Grok, dengan beberapa menteri "
    "dan anggota parlemen mengecam penyebaran konten seksual yang sistematis yang dibuat oleh AI."
)

PARIS_WIDENED: Event = {
    "id": "paris-investigation-widened",
    "type": "regulatory_action",
    "occurred": ON_OR_BEFORE_ARTICLE,
    "regulator": "paris-prosecutor",
    "target": "grok",
    "jurisdiction": "FR",
    "rung": "investigation_widened",
    "summary": "The Paris prosecutor's investigation is widened to include Grok.",
    "tags": ["regulation"],
    "sources": [
        article(_FRENCH_PARAGRAPH),
        as_reported("Paris prosecutor's office", "The Paris prosecutor's widened investigation"),
    ],
}


def _french_condemnation(speaker: str, who: str) -> Event:
    return {
        "id": f"{speaker}-condemn",
        "type": "statement",
        "occurred": ON_OR_BEFORE_ARTICLE,
        "speaker": speaker,
        "topic": "sexual-deepfakes",
        "stance": -2,
        "about": ["grok"],
        "summary": (
            f"Several {who} condemn the systematic spread of AI-generated sexual content "
            "(the article names none of them)."
        ),
        "sources": [article(_FRENCH_PARAGRAPH)],
    }


# --- the fix (third pass) ------------------------------------------------------------------

XAI_LOSS_FIX: Event = {
    "id": "fix-xai-quarterly-loss",
    "type": "correction",
    "corrects": "xai-quarterly-loss",
    "replacement": _xai_loss(
        1.46,
        "xAI's quarterly financial report shows a net loss of USD 1.46 billion.",
        ["finance"],
    ),
    "reason": (
        "DEMO of the correction flow: the value was deliberately typed as 14.6 instead of the "
        "article's 1,46 (1.46) billion"
    ),
    "summary": "Demonstration of the correction flow: fixes the deliberately mistyped xAI loss.",
    "tags": ["demo"],
}

# --- the simulation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Events appended together (all or nothing), recorded at one simulated instant."""

    recorded: datetime
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Session:
    """One sitting at the keyboard: its name, and its batches in order."""

    name: str
    batches: tuple[Batch, ...]


def _one_per_minute(start: datetime, events: Sequence[Event]) -> tuple[Batch, ...]:
    return tuple(Batch(start + timedelta(minutes=i), (event,)) for i, event in enumerate(events))


_DAY1 = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
_DAY2 = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)
_DAY3 = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)

FIRST_PASS_EVENTS: tuple[Event, ...] = (
    DEEPFAKES,
    CRANS_MONTANA,
    PAYWALL_MOVE,
    PAYWALL_CLAIM,
    VERGE_TEST,
    UK_GOV_INSULTING,
    OFCOM_DEMAND,
    EC_PRESERVATION,
    BLOOMBERG_RATE,
    XAI_LOSS_MISTYPED,
    XAI_RAISE,
    X_UK_REVENUE,
    UK_FINE_THREAT,
    EC_VERY_SERIOUSLY,
)

SESSIONS: tuple[Session, ...] = (
    Session(
        "first pass: the article's facts (one figure deliberately mistyped, tagged demo)",
        (
            Batch(_DAY1, (*ACTORS, *TOPICS)),
            *_one_per_minute(_DAY1 + timedelta(minutes=1), FIRST_PASS_EVENTS),
        ),
    ),
    Session(
        "late entry: the French paragraph, missed in the first pass",
        (
            Batch(
                _DAY2,
                (
                    *FRENCH_ACTORS,
                    PARIS_WIDENED,
                    _french_condemnation("fr-ministers", "French ministers"),
                    _french_condemnation("fr-mps", "French members of parliament"),
                ),
            ),
        ),
    ),
    Session(
        "the fix: a correction of the mistyped figure (demonstration of the correction flow)",
        (Batch(_DAY3, (XAI_LOSS_FIX,)),),
    ),
)
"""The whole case, in the order it is appended, each batch with its simulated recorded time."""

BATCHES: tuple[Batch, ...] = tuple(b for s in SESSIONS for b in s.batches)


class SimulatedClock:
    """The store's clock while building: it returns the instant of the batch being appended.

    Set it with :meth:`at` before each append; it never reads the wall clock, so the log's
    bytes are the same on every machine and every day.
    """

    def __init__(self, start: datetime = _DAY1) -> None:
        """Start at ``start`` (an aware datetime)."""
        self.now = start

    def at(self, when: datetime) -> None:
        """Make every reading return ``when`` until the next call."""
        self.now = when

    def __call__(self) -> datetime:
        return self.now


# --- rebuilding ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the bundled log: ``python -m tracker.examples.grok --out PATH [--force]``."""
    parser = argparse.ArgumentParser(
        prog="python -m tracker.examples.grok",
        description="Rebuild the bundled Grok example log from the event dicts in this module.",
        epilog="Example: python -m tracker.examples.grok --out src/tracker/examples/grok.jsonl --force",
    )
    parser.add_argument("--out", required=True, type=Path, help="where to write the log (.jsonl)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    args = parser.parse_args(argv)

    from tracker.errors import TrackerError
    from tracker.examples import build

    out: Path = args.out
    if out.exists() and not args.force:
        print(f"error: {out} already exists; add --force to replace it", file=sys.stderr)
        return 1
    if not out.parent.is_dir():
        print(f"error: the directory {out.parent} does not exist; create it first", file=sys.stderr)
        return 1
    try:
        # Build beside the target, then move it into place in one step: an interrupted
        # rebuild never leaves a half-written log at PATH.
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".grok-build-") as scratch:
            built = Path(scratch) / out.name
            with build(built) as log:
                report = log.verify()
            os.replace(built, out)
    except (TrackerError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}: {report.records} records, head {report.head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
