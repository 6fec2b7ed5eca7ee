"""Figures and the one-page report of m07-mock-debrief.

``layer_map`` draws a design's controls by hazard and stage, with the stage that contained
each scenario; ``scenario_grid`` compares designs scenario by scenario; ``decision_map``
places candidate designs by components and latency; ``threshold_panels`` is the
explorer's view of one control; ``write_report`` writes one HTML page
(figure and tables, the image embedded) that opens in any browser, without Jupyter.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.pyplot as plt

from . import COLORS

_STAGES = ("data", "training", "deploy", "input", "output", "monitoring")


def layer_map(interview, ax=None, title=None):
    """Hazards (rows) by stage (columns): a dot per control, a ring where the scenario was
    contained, a cross in the row of a scenario that was not contained (worst seed)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.4))
    design = interview.design
    summary = interview.summary()
    hazards = list(summary.index)
    for y, h in enumerate(hazards):
        cs = [c for c in design.controls if c.hazard == h]
        for x, stage in enumerate(_STAGES):
            n = sum(c.stage == stage for c in cs)
            if n:
                late = stage in ("output", "monitoring")
                ax.scatter(x, y, s=60 + 40 * (n - 1), color=COLORS["warn" if late else "neutral"],
                           zorder=3)
        row = summary.loc[h]
        if row["contained"] and row["layer"] in _STAGES:
            ax.scatter(_STAGES.index(row["layer"]), y, s=320, facecolors="none",
                       edgecolors=COLORS["safe"], linewidths=2, zorder=4)
        elif not row["contained"]:
            ax.scatter(len(_STAGES) - 0.35, y, marker="x", s=90, color=COLORS["unsafe"], zorder=4)
            ax.text(len(_STAGES) - 0.2, y, f"harm {row['harm']:g}", va="center", fontsize=8,
                    color=COLORS["unsafe"])
    ax.axvspan(3.5, 5.5, color=COLORS["warn"], alpha=0.08)
    ax.set_xticks(range(len(_STAGES)), _STAGES)
    ax.set_yticks(range(len(hazards)), [h.replace("_", " ") for h in hazards])
    ax.set_xlim(-0.5, len(_STAGES) + 0.6)
    ax.set_ylim(len(hazards) - 0.5, -0.5)
    ax.grid(False)
    ax.set_title(title or f"{design.name}: controls by stage (ring: contained there; "
                          "x: not contained)", fontsize=10)
    return ax


def scenario_grid(summaries: dict, ax=None):
    """Designs (rows) by scenario (columns): green when contained on every seed, vermillion
    when not; each cell shows the worst harm over its tolerance."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.6 + 0.55 * len(summaries)))
    names = list(summaries)
    scenarios = list(dict.fromkeys(s for t in summaries.values() for s in t.index))
    for y, name in enumerate(names):
        t = summaries[name]
        for x, s in enumerate(scenarios):
            if s not in t.index:
                ax.add_patch(plt.Rectangle((x - 0.48, y - 0.45), 0.96, 0.9,
                                           color=COLORS["muted"], alpha=0.15))
                ax.text(x, y, "not run", ha="center", va="center", fontsize=8)
                continue
            r = t.loc[s]
            color = COLORS["safe"] if r["contained"] else COLORS["unsafe"]
            ax.add_patch(plt.Rectangle((x - 0.48, y - 0.45), 0.96, 0.9, color=color, alpha=0.35))
            ax.text(x, y, f"{r['harm']:g} / {r['tolerance']:g}", ha="center", va="center",
                    fontsize=9)
    ax.set_xticks(range(len(scenarios)), [s.replace("_", "\n") for s in scenarios], fontsize=8)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlim(-0.5, len(scenarios) - 0.5)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.grid(False)
    ax.set_title("Harm that reached users / harm allowed (worst seed)", fontsize=10)
    return ax


def decision_map(table, chosen=None, max_latency_ms=None, ax=None):
    """Candidate designs by components (x) and p95 latency (y): filled when they meet every
    requirement, hollow when not; the chosen one is labelled in bold."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.6))
    for name, r in table.items():
        ok = r.get("ok", True)
        ax.scatter(r["components"], r["latency_ms"], s=90,
                   color=COLORS["safe"] if ok else "white",
                   edgecolors=COLORS["safe"] if ok else COLORS["unsafe"], linewidths=1.5, zorder=3)
        ax.annotate(name, (r["components"], r["latency_ms"]), xytext=(6, 4),
                    textcoords="offset points", fontsize=9,
                    fontweight="bold" if name == chosen else "normal")
    if max_latency_ms is not None:
        ax.axhline(max_latency_ms, ls="--", color=COLORS["muted"], lw=1)
    ax.set_xlabel("components (fewer: less to audit)")
    ax.set_ylabel("p95 time to first token (ms)")
    ax.set_title("Candidate designs (filled: meets every requirement)", fontsize=10)
    return ax


def threshold_panels(rows, tolerance, title="", axes=None):
    """The explorer's view of one control at one threshold: harm per seed against the
    tolerance (left) and false alarms per seed with no incident (right).

    rows: list of (seed, harm, contained, false_alarms) tuples."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8, 2.6))
    seeds = [f"seed {r[0]}" for r in rows]
    colours = [COLORS["safe"] if r[2] else COLORS["unsafe"] for r in rows]
    axes[0].bar(seeds, [r[1] for r in rows], color=colours)
    axes[0].axhline(tolerance, color=COLORS["muted"], ls="--", lw=1)
    axes[0].set(ylabel="harm that reached users", title=f"With the incident ({title})")
    axes[1].bar(seeds, [r[3] for r in rows], color=COLORS["neutral"])
    axes[1].set(ylabel="false alarms", title="With no incident",
                ylim=(0, max(1, max(r[3] for r in rows)) * 1.2))
    return axes


def report_figure(interview):
    """The report's figure: the layer map and the harm per scenario."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [1.5, 1]})
    layer_map(interview, ax=axes[0])
    s = interview.summary()
    ratio = (s["harm"] / s["tolerance"]).to_numpy(dtype=float)
    colors = [COLORS["safe"] if c else COLORS["unsafe"] for c in s["contained"]]
    axes[1].barh(range(len(s)), ratio, color=colors)
    axes[1].axvline(1.0, ls="--", color=COLORS["muted"], lw=1)
    for y, (harm, tol) in enumerate(zip(s["harm"], s["tolerance"])):
        axes[1].text(harm / tol, y, f"  {harm:g} of {tol:g} allowed", va="center", fontsize=8)
    axes[1].set_yticks(range(len(s)), [h.replace("_", " ") for h in s.index])
    axes[1].invert_yaxis()
    axes[1].set_xlabel("worst harm / harm allowed (right of 1: not contained)")
    axes[1].set_title("Harm that reached users", fontsize=10)
    fig.tight_layout()
    return fig


def _table_html(df) -> str:
    return df.to_html(border=0, float_format=lambda v: f"{v:.3g}", na_rep="")


def write_report(interview, folder, filename=None) -> Path:
    """Write the one-page debrief of ``interview`` as HTML into ``folder`` (created if
    needed) and return its path. The page holds the figure (a PNG, embedded), the
    per-scenario table, the structural problems and the interviewer's pushback."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    design = interview.design
    slug = "".join(ch if ch.isalnum() else "-" for ch in design.name.lower()).strip("-")
    path = folder / (filename or f"debrief-{slug or 'design'}.html")
    fig = report_figure(interview)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode()
    s = interview.summary()
    verdict = ("every scenario contained on every seed" if interview.contained
               else f"{int((~s['contained']).sum())} of {len(s)} scenarios not contained")
    problems = [f"{k.replace('_', ' ')}: {', '.join(v)}" for k, v in interview.problems.items() if v]
    controls = "".join(
        f"<tr><td>{html.escape(c.name)}</td><td>{c.hazard}</td><td>{c.stage}</td>"
        f"<td>{c.metric} {html.escape(c.direction)} {c.threshold:g}</td><td>{c.action}</td>"
        f"<td>{html.escape(c.owner)}</td></tr>" for c in design.controls)
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Debrief: {html.escape(design.name)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:1em auto;font-size:13px}}
table{{border-collapse:collapse;margin:0.4em 0}}td,th{{padding:2px 8px;border-bottom:1px solid #ddd;
text-align:left}}h1{{font-size:20px}}h2{{font-size:15px;margin:0.8em 0 0.2em}}</style></head>
<body><h1>Debrief: {html.escape(design.name)} ({html.escape(design.application)})</h1>
<p><b>Verdict:</b> {verdict}. Seeds: {sorted({o.seed for o in interview.outcomes})}.
Reviewer capacity: {design.oversight.reviews_per_day if design.oversight else 0:g} reviews a day.
Components: {len(design.components)}. Audit points: {', '.join(design.audit_points) or 'none'}.</p>
<img src="data:image/png;base64,{png}" style="width:100%">
<h2>Scenarios (worst seed)</h2>{_table_html(s)}
<h2>Controls</h2><table><tr><th>control</th><th>hazard</th><th>stage</th><th>fires when</th>
<th>action</th><th>owner</th></tr>{controls}</table>
<h2>Structural problems</h2><p>{html.escape('; '.join(problems)) or 'none'}</p>
<h2>The interviewer pushes back</h2><ul>{''.join(f'<li>{html.escape(line)}</li>' for line in interview.transcript)}</ul>
</body></html>"""
    path.write_text(page, encoding="utf-8")
    return path


def report_folder(name: str = "debrief-reports") -> Path:
    """The folder reports go to: ``name`` under the working directory, created if needed.

    When the working directory is inside the course's own repository (the solution notebook
    run by the test suite), a folder under the system's temporary directory is used
    instead, so that tests never write into the repository.
    """
    import tempfile

    cwd = Path.cwd().resolve()
    for parent in (cwd, *cwd.parents):
        if (parent / "course" / "design.py").is_file() and (parent / "solutions").is_dir():
            folder = Path(tempfile.gettempdir()) / "safety-course" / name
            break
    else:
        folder = cwd / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
