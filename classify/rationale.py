"""A short plain-English rationale for a statement summary, citing sentence ids.

Generated from the summary's own figures by templates (no language model): every claim in the
text points at the sentences or counts it rests on, so a reader can check it in Datasette.
"""

from __future__ import annotations

from classify.summary_areas import AU_NAMES, MET, PARTLY

MAX_CITED = 3


def _cite(ids: list[str]) -> str:
    ids = [i for i in ids if i][:MAX_CITED]
    return f" ({', '.join(ids)})" if ids else ""


def statement_rationale(
    counts: dict[str, int],
    impact_share: float | None,
    impact_ids: list[str],
    negative_ids: list[str],
    commitment_ids: list[str],
    missing_criteria: list[str],
    au: dict[str, str],
    au_ids: dict[str, list[str]],
    mismatch: list[str] | None,
) -> str:
    """Three to five sentences: evidence balance, impact cited, criteria gaps, AU verdicts, UK mismatch."""
    process = counts["commitment"] + counts["action"]
    parts = []
    if process + counts["impact"] == 0:
        parts.append("No sentence makes a claim about the organisation's response to modern slavery.")
    else:
        share = f"{impact_share:.0%}" if impact_share is not None else "n/a"
        parts.append(
            f"{counts['commitment']} commitment, {counts['action']} action and {counts['impact']} impact "
            f"sentences: impact share {share}."
        )
    if impact_ids:
        parts.append(f"Evidence of impact{_cite(impact_ids)}.")
    elif counts["commitment"] > counts["action"]:
        parts.append(f"Mostly promises and stance, no reported outcome{_cite(commitment_ids)}.")
    else:
        parts.append("Describes process but reports no outcome.")
    if negative_ids:
        parts.append(f"Reports nothing found{_cite(negative_ids)}.")
    if missing_criteria:
        parts.append(f"Not addressed: {', '.join(missing_criteria)}.")
    if au:  # AU statements only: the s.16(1) verdicts mean nothing for a UK statement
        partly = [c for c, v in au.items() if v == PARTLY]
        met = sum(v == MET for v in au.values())
        au_text = f"AU s.16(1): {met} of {len(au)} met"
        if partly:
            au_text += "; partly " + "; ".join(f"{AU_NAMES[c]}{_cite(au_ids.get(c, []))}" for c in partly)
        parts.append(au_text + ".")
    if mismatch:
        parts.append(f"Registry declaration differs from the text: {', '.join(mismatch)}.")
    return " ".join(parts)
