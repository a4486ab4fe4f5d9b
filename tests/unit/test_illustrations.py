"""Checks the exercise illustrations: one per exercise, two panels, Qt/svglib-safe, reproducible."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "resources" / "illustrations"
GENERATOR = FOLDER / "build" / "draw.py"
SVG_NS = "{http://www.w3.org/2000/svg}"

IDS = (
    "clamshell", "side_lying_hip_abduction", "glute_bridge", "single_leg_bridge",
    "bodyweight_squat", "split_squat_lunge", "reverse_lunge", "romanian_deadlift",
    "single_leg_deadlift", "step_down", "step_up", "straight_leg_raise", "quad_set",
    "wall_squat", "short_arc_quad", "leg_extension", "hamstring_curl", "calf_raise",
    "single_leg_calf_raise", "heel_raise_with_ball", "tibialis_posterior_stretch",
    "quadriceps_stretch", "hamstring_stretch", "calf_stretch", "soleus_stretch",
    "hip_flexor_stretch", "tfl_it_band_stretch", "piriformis_stretch", "single_leg_balance",
    "single_leg_balance_eyes_closed", "knee_to_wall_dorsiflexion", "ankle_alphabet",
    "resisted_ankle_eversion", "lateral_band_walk", "side_plank", "forward_lean_drill",
    "cadence_drill_metronome", "cycling", "swimming", "rowing",
    # Added for tendon loading, bone-stress return, soleus and lateral-chain work (issue 21).
    "spanish_squat_isometric", "isometric_knee_extension", "decline_squat", "slow_heavy_squat",
    "bent_knee_calf_raise", "seated_soleus_raise", "eccentric_heel_drop", "pogo_hops",
    "single_leg_hop", "forward_hop_stick", "lateral_line_hops", "squat_jump", "a_skip_drill",
    "hip_hike", "side_plank_hip_abduction", "lateral_step_down", "monster_walk",
    "single_leg_squat", "standing_hip_abduction_band", "bird_dog", "seated_piriformis_stretch",
    "hip_external_rotation_band", "isometric_hip_abduction_wall", "terminal_knee_extension",
    "mini_squat", "bulgarian_split_squat", "resisted_ankle_inversion",
    "single_leg_balance_reach", "toe_raise", "pool_running",
)

# The subset of SVG that both reportlab's svglib and Qt's QSvgRenderer (SVG Tiny 1.2) draw.
ALLOWED_TAGS = {"svg", "g", "line", "polyline", "polygon", "path", "circle", "ellipse", "rect",
                "text"}
FORBIDDEN_ATTRS = {"style", "class-style", "filter", "mask", "clip-path", "marker-start",
                   "marker-mid", "marker-end"}


def _root(exercise_id: str) -> ET.Element:
    return ET.parse(FOLDER / f"{exercise_id}.svg").getroot()


def _panels(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "panel"]


def test_there_is_one_drawing_per_exercise_and_nothing_else() -> None:
    assert len(IDS) == 70 == len(set(IDS))
    assert {p.stem for p in FOLDER.glob("*.svg")} == set(IDS)
    assert (FOLDER / "LICENSE.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("exercise_id", IDS)
def test_drawing_has_a_wide_viewbox_and_two_labelled_panels(exercise_id: str) -> None:
    root = _root(exercise_id)
    assert root.tag == f"{SVG_NS}svg"
    x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert (x, y) == (0, 0)
    assert 1.8 <= width / height <= 2.2
    panels = _panels(root)
    assert [p.get("id") for p in panels] == ["start", "finish"]
    for number, panel in enumerate(panels, start=1):
        texts = [t.text or "" for t in panel.iter(f"{SVG_NS}text")]
        assert str(number) in texts  # the step number in its circle
        assert any(t.strip() and not t.isdigit() for t in texts)  # and a word beside it
        assert any(True for _ in panel.iter(f"{SVG_NS}circle"))  # at least the head


@pytest.mark.parametrize("exercise_id", IDS)
def test_start_and_finish_panels_show_different_positions(exercise_id: str) -> None:
    def drawing(panel: ET.Element) -> list[bytes]:
        return [ET.tostring(e) for e in panel if e.tag != f"{SVG_NS}text"]

    start, finish = _panels(_root(exercise_id))
    assert drawing(start) != drawing(finish)


@pytest.mark.parametrize("exercise_id", IDS)
def test_drawing_uses_only_markup_qt_and_svglib_both_render(exercise_id: str) -> None:
    for el in _root(exercise_id).iter():
        tag = el.tag.removeprefix(SVG_NS)
        assert tag in ALLOWED_TAGS, tag
        assert not FORBIDDEN_ATTRS & set(el.attrib)
        if tag == "path":
            assert re.fullmatch(r"[MLQCAZ0-9.,\s-]+", el.get("d", ""))
        if tag == "text":
            assert el.get("font-family") == "DejaVu Sans"


def test_regenerating_reproduces_the_committed_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    made = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert made == sorted(f"{i}.svg" for i in IDS)
    for name in made:
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), name
    # The copies with Spanish panel words, for Spanish handouts.
    made_es = sorted(p.name for p in (tmp_path / "es").glob("*.svg"))
    assert made_es == made == sorted(p.name for p in (FOLDER / "es").glob("*.svg"))
    for name in made_es:
        assert (tmp_path / "es" / name).read_bytes() == (FOLDER / "es" / name).read_bytes(), name


@pytest.mark.parametrize("exercise_id", IDS)
def test_svglib_loads_the_drawing(exercise_id: str) -> None:
    from svglib.svglib import svg2rlg

    drawing = svg2rlg(str(FOLDER / f"{exercise_id}.svg"))
    assert drawing is not None
    assert drawing.width > 0 and drawing.height > 0
    assert drawing.getContents()


# ---------------------------------------------------------------- drawn once per process


def _page_stream(draw: object) -> bytes:
    """One page on which `draw(canvas)` runs; returns the page's content stream."""
    import io

    import pypdf
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    from ptdesk.reports import styles

    styles.register_fonts()
    invariant, rl_config.invariant = rl_config.invariant, 1
    try:
        out = io.BytesIO()
        canv = Canvas(out, pageCompression=0)
        canv.setFont(styles.FONT, 12)
        canv.drawString(10, 10, "before")
        draw(canv)  # type: ignore[operator]
        canv.drawString(10, 30, "after")
        canv.showPage()
        canv.save()
    finally:
        rl_config.invariant = invariant
    return pypdf.PdfReader(io.BytesIO(out.getvalue())).pages[0].get_contents().get_data()


def _direct(drawing: object, canv: object) -> None:
    """Drawing it the ordinary way, in a saved graphics state as the cache does."""
    from reportlab.graphics import renderPDF

    canv.saveState()  # type: ignore[attr-defined]
    renderPDF.draw(drawing, canv, 0, 0)
    canv.restoreState()  # type: ignore[attr-defined]


@pytest.mark.parametrize("exercise_id", ["clamshell", "ankle_alphabet", "single_leg_balance"])
def test_recorded_drawing_prints_exactly_what_drawing_it_prints(exercise_id: str) -> None:
    from ptdesk.reports import drawing_cache, styles

    path = FOLDER / f"{exercise_id}.svg"
    drawing = styles._load_svg(str(path), path.stat().st_mtime_ns)
    assert drawing is not None
    # Recorded afresh under the same (invariant) settings as the direct drawing below:
    # reportlab orders equivalent state operators differently outside invariant mode.
    drawing.__dict__.pop("_ptdesk_recording", None)
    direct = _page_stream(lambda canv: _direct(drawing, canv))
    first = _page_stream(lambda canv: drawing_cache.draw(drawing, canv))
    assert drawing.__dict__["_ptdesk_recording"] is not None  # recorded, not drawn directly
    again = _page_stream(lambda canv: drawing_cache.draw(drawing, canv))
    assert direct == first == again
    assert b"Tj" in again  # the labels are text, set live in this file's font subset


def test_a_drawing_with_transparency_is_drawn_directly(tmp_path: Path) -> None:
    from ptdesk.reports import drawing_cache, styles

    path = tmp_path / "faded.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                    '<rect x="1" y="1" width="30" height="10" fill="#336699" fill-opacity="0.4"/>'
                    '<text x="2" y="18" font-size="8">Hold</text></svg>', encoding="utf-8")
    drawing = styles._load_svg(str(path), path.stat().st_mtime_ns)
    assert drawing is not None
    direct = _page_stream(lambda canv: _direct(drawing, canv))
    cached = _page_stream(lambda canv: drawing_cache.draw(drawing, canv))
    assert drawing.__dict__["_ptdesk_recording"] is None
    assert direct == cached and b" gs" in cached


def test_reportlab_uses_its_c_accelerator() -> None:
    # rl_accel ships as reportlab's [accel] extra; without it text widths run in Python.
    import _rl_accel  # noqa: F401
    from reportlab.lib import rl_accel

    assert "instanceStringWidthTTF" in rl_accel._c_funcs
