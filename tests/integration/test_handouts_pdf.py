"""Handout PDFs read back with pypdf: names, dosages, pictures, fonts, paper and page breaks."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from PIL import Image as PILImage

from ptdesk.domain.exercise_library import exercise_dosage_in_words, load_library_from
from ptdesk.domain.runplan import PainRules, Plan, PlanInputs, build_plan, describe_pain_rules
from ptdesk.domain.runplan.amounts import format_amount
from ptdesk.reports.dto import ClinicInfo, ExerciseSheet, ExerciseSheetItem, RunPlanHandout
from ptdesk.reports.exercise_sheet import render_exercise_sheet, write_exercise_sheet
from ptdesk.reports.runplan_pdf import render_runplan, write_runplan, write_runplan_pdf

REPO = Path(__file__).resolve().parents[2]
NAMES = (
    "Zoë Ødegård-Núñez",
    "Αικατερίνη Παπαδοπούλου",
    "Анастасия Кузнецова-Соколова",
)
# A 60-character name with spaces, the way long double-barrelled names arrive.
LONG_NAME = "Maximiliana Alexandra Konstantina von Hohenzollern-Sigmaring"
assert len(LONG_NAME) == 60

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160">
<g fill="none" stroke="#222" stroke-width="3"><line x1="10" y1="150" x2="230" y2="150"/>
<circle cx="40" cy="110" r="14"/><line x1="54" y1="115" x2="140" y2="130"/></g>
<text x="10" y="20" font-size="12">Start</text></svg>"""


def _flat(value: str) -> str:
    """Collapse line breaks and non-breaking spaces: wrapping is layout, not content."""
    return re.sub(r"\s+", " ", value).strip()


def _pages_text(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _body_text(pdf: bytes) -> str:
    """Text between the running header and footer, across pages, in reading order."""
    parts: list[str] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)

        def keep(text: str, cm: list[float], tm: list[float], *_: object, h: float = height) -> None:
            y = cm[5] + tm[5] * cm[3]
            if 75 < y < h - 85:  # header sits in the top 85 pt, footer in the bottom 75 pt
                parts.append(text)

        page.extract_text(visitor_text=keep)
    return _flat(" ".join(parts))


@pytest.fixture()
def drawing(tmp_path: Path) -> Path:
    path = tmp_path / "clamshell.svg"
    path.write_text(SVG, encoding="utf-8")
    return path


@pytest.fixture()
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "clinician_photo.jpg"
    PILImage.new("RGB", (320, 240), "#8a5a44").save(path)
    return path


def _clinic(paper: str = "letter") -> ClinicInfo:
    return ClinicInfo("Riverside Running Physio", "12 Mill Lane, Springfield", "(541) 555-0142",
                      None, paper)  # type: ignore[arg-type]


def _library_items(image: Path) -> tuple[ExerciseSheetItem, ...]:
    """The runner's-knee programme from the shipped library, dosed the library's way."""
    library = load_library_from(REPO / "resources" / "exercises")
    ids = ("quad_set", "straight_leg_raise", "short_arc_quad", "clamshell",
           "side_lying_hip_abduction", "glute_bridge", "wall_squat", "calf_stretch")
    return tuple(
        ExerciseSheetItem(
            name=library[i].name,
            purpose=library[i].purpose,
            steps=library[i].steps,
            dosage_text=exercise_dosage_in_words(library[i]),
            side_text=library[i].side,
            precautions=library[i].precautions,
            note=library[i].dosage.note,
            image_path=image,
        )
        for i in ids
    )


def _sheet(items: tuple[ExerciseSheetItem, ...], name: str = NAMES[0], paper: str = "letter",
           ) -> ExerciseSheet:
    return ExerciseSheet(_clinic(paper), "Dana Whitfield, PT, DPT", name, dt.date(2025, 3, 4),
                         items)


@pytest.mark.parametrize("name", NAMES)
def test_exercise_sheet_prints_patient_every_exercise_and_dosage(name: str, drawing: Path) -> None:
    items = _library_items(drawing)
    text = " ".join(_pages_text(render_exercise_sheet(_sheet(items, name))))
    assert name in text
    for item in items:
        assert _flat(item.name) in text
        assert _flat(item.dosage_text) in text
        for precaution in item.precautions:
            assert _flat(precaution) in text
    assert "Stop and call us if" in text
    assert "(541) 555-0142" in text


def test_an_exercise_never_splits_across_pages(drawing: Path) -> None:
    # Long steps push cards towards page ends, where a split would happen.
    items = tuple(
        ExerciseSheetItem(
            name=f"Exercise {n}", purpose="Keeps the knee in line when you land.",
            steps=tuple(f"Step {s} of exercise {n}: move slowly and keep breathing." for s in
                        range(1, 6)),
            dosage_text=f"{n} sets of 10, once a day", side_text="Both legs",
            precautions=(f"Stop exercise {n} if the kneecap hurts.",),
            note=f"Note for exercise {n}.", image_path=drawing,
        )
        for n in range(1, 11)
    )
    pages = _pages_text(render_exercise_sheet(_sheet(items)))
    assert len(pages) > 2
    for n in range(1, 11):
        holding = [i for i, page in enumerate(pages) if f"Exercise {n} " in page + " "]
        assert len(holding) == 1, f"Exercise {n} heading on pages {holding}"
        page = pages[holding[0]]
        assert f"Step 5 of exercise {n}:" in page
        assert f"Note for exercise {n}." in page
        assert f"Stop exercise {n} if" in page


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595.28, 841.89))])
def test_paper_size_follows_the_clinic_setting(paper: str, size: tuple[float, float],
                                               drawing: Path) -> None:
    pdf = render_exercise_sheet(_sheet(_library_items(drawing), paper=paper))
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        assert float(page.mediabox.width) == pytest.approx(size[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(size[1], abs=0.5)


def test_drawings_and_photos_reach_the_page(drawing: Path, photo: Path) -> None:
    base = ExerciseSheetItem("Clamshell", "Hip strength.", ("Lie on your side.",),
                             "3 sets of 15, each leg, once a day", "Each leg")
    without = pypdf.PdfReader(io.BytesIO(render_exercise_sheet(_sheet((base,)))))
    with_svg = pypdf.PdfReader(io.BytesIO(render_exercise_sheet(
        _sheet((ExerciseSheetItem(**{**_fields(base), "image_path": drawing}),)))))
    with_photo = pypdf.PdfReader(io.BytesIO(render_exercise_sheet(
        _sheet((ExerciseSheetItem(**{**_fields(base), "image_path": photo}),)))))

    def curves(reader: pypdf.PdfReader) -> int:
        # The drawing's circle is made of Bézier curves; nothing else on the sheet is.
        data = reader.pages[0].get_contents().get_data().decode("latin-1")
        return len(re.findall(r" c\n", data))

    assert curves(without) == 0
    assert curves(with_svg) >= 4
    assert len(without.pages[0].images) == 0
    assert len(with_photo.pages[0].images) == 1
    assert with_photo.pages[0].images[0].image.size == (320, 240)


def _fields(item: ExerciseSheetItem) -> dict[str, object]:
    return {f: getattr(item, f) for f in item.__dataclass_fields__}


def test_missing_or_broken_picture_still_prints(tmp_path: Path) -> None:
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg this is not xml", encoding="utf-8")
    items = tuple(
        ExerciseSheetItem(f"Exercise {n}", "Purpose.", ("Do it.",), "10 times, once a day",
                          "Left leg", image_path=path)
        for n, path in enumerate((broken, tmp_path / "gone.png", tmp_path / "fake.jpg"))
    )
    (tmp_path / "fake.jpg").write_bytes(b"not a jpeg")
    text = " ".join(_pages_text(render_exercise_sheet(_sheet(items))))
    for item in items:
        assert item.name in text


def test_long_name_and_long_note_print_in_full(drawing: Path, tmp_path: Path) -> None:
    note = " ".join(f"Sentence {n}: keep your knee over your second toe <and> go slowly & evenly."
                    for n in range(1, 120))
    item = ExerciseSheetItem(
        name="Single-leg squat to a low box with a band around the knees, slow on the way down",
        purpose="Control of the knee.", steps=("Stand on one leg.", "Squat slowly."),
        dosage_text="3 sets of 8, each leg, 3 days a week", side_text="Each leg",
        note=note, image_path=drawing,
    )
    out = write_exercise_sheet(_sheet((item,), LONG_NAME), tmp_path / "sheet.pdf")
    pages = _pages_text(out.read_bytes())
    text = " ".join(pages)
    assert len(pages) >= 2  # the note is longer than a page, so it must flow on
    assert LONG_NAME in text
    assert _flat(item.name) in text
    assert _flat(note) in _body_text(out.read_bytes())
    for page in pages:  # the footer carries the name on every page
        assert LONG_NAME in page


def test_clinician_photo_bytes_replace_the_drawing(drawing: Path) -> None:
    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 300), "#335577").save(buffer, format="PNG")
    item = ExerciseSheetItem("Clamshell", "Hip strength.", ("Lie on your side.",),
                             "3 sets of 15, each leg, once a day", "Each leg",
                             image_path=drawing, image_bytes=buffer.getvalue())
    page = pypdf.PdfReader(io.BytesIO(render_exercise_sheet(_sheet((item,))))).pages[0]
    assert [image.image.size for image in page.images] == [(200, 300)]
    assert " c\n" not in page.get_contents().get_data().decode("latin-1")  # no drawing too


def test_markup_characters_in_clinician_text_print_literally(drawing: Path) -> None:
    item = ExerciseSheetItem("Bridge <single leg> & hold", "Glutes.", ("Lift & hold <5 s>.",),
                             "3 sets of 10 & hold 5 s", "Each leg",
                             note="Line one\nLine two: stop if pain > 3/10 & <swelling>.",
                             image_path=drawing)
    text = " ".join(_pages_text(render_exercise_sheet(_sheet((item,)))))
    for expected in ("Bridge <single leg> & hold", "Lift & hold <5 s>.", "3 sets of 10 & hold 5 s",
                     "Line one Line two: stop if pain > 3/10 & <swelling>."):
        assert expected in text


def _fonts_are_embedded_dejavu(pdf: bytes) -> None:
    seen: set[str] = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            seen.add(base.split("+")[-1])
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            assert "/FontFile2" in descendant["/FontDescriptor"], f"{base} is not embedded"
    assert seen and all(name.startswith("DejaVuSans") for name in seen), seen


def test_exercise_sheet_fonts_are_embedded_dejavu(drawing: Path) -> None:
    _fonts_are_embedded_dejavu(render_exercise_sheet(_sheet(_library_items(drawing), NAMES[2])))


# ---------------------------------------------------------------- return-to-run plan

START = dt.date(2025, 3, 3)


def _plan(measure: str = "minutes", current: float = 10, goal: float = 170,
          **extra: object) -> Plan:
    return build_plan(PlanInputs(measure, 3, current, goal, current_weekly=3 * Decimal(str(current)), start=START, **extra))  # type: ignore[arg-type]


def _handout(plan: Plan, name: str = NAMES[0], *, paper: str = "letter",
             cadence: int | None = 172, rules: PainRules | None = None) -> RunPlanHandout:
    return RunPlanHandout(_clinic(paper), "Dana Whitfield, PT, DPT", name, dt.date(2025, 2, 28),
                          plan, cadence, tuple(describe_pain_rules(rules or PainRules())))


def _week_row_start(week_number: int, start: dt.date, lighter: bool) -> str:
    end = start + dt.timedelta(days=6)
    dates = (f"{start:%b} {start.day}–{end.day}" if end.month == start.month
             else f"{start:%b} {start.day} – {end:%b} {end.day}")
    return f"{week_number} {'lighter week ' if lighter else ''}{dates} "


def _check_week_rows(plan: Plan, body: str, unit: str) -> None:
    """Each week's row (week, dates, lighter mark) holds that week's own total."""
    starts = [body.index(_week_row_start(w.week, w.start, w.lighter)) for w in plan.weeks]
    assert starts == sorted(starts), "weeks are printed in order"
    ends = [*starts[1:], body.index("Why we build up slowly")]
    for week, begin, end in zip(plan.weeks, starts, ends, strict=True):
        row = body[begin:end]
        assert f" {format_amount(week.total, plan.measure)}" in row, (week.week, row)
        assert format_amount(week.total, plan.measure).endswith(unit)
        assert ("lighter week" in row) == week.lighter


@pytest.mark.parametrize("name", NAMES)
def test_runplan_prints_patient_and_every_week_total(name: str) -> None:
    plan = _plan()
    assert len(plan.weeks) > 15
    pdf = render_runplan(_handout(plan, name))
    text = " ".join(_pages_text(pdf))
    assert name in text
    assert "Dana Whitfield, PT, DPT" in text
    _check_week_rows(plan, _body_text(pdf), "min")


def test_runplan_marks_lighter_weeks_in_distance_plans() -> None:
    plan = _plan("km", 5, 40, lighter_every=4)
    assert any(week.lighter for week in plan.weeks)
    assert not all(week.lighter for week in plan.weeks)
    pdf = render_runplan(_handout(plan))
    _check_week_rows(plan, _body_text(pdf), "km")


def test_runplan_table_header_repeats_on_every_page_it_spans() -> None:
    plan = _plan()
    pages = _pages_text(render_runplan(_handout(plan)))
    rows = [_week_row_start(w.week, w.start, w.lighter) for w in plan.weeks]
    table_pages = [p for p in pages if any(row in p for row in rows)]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert "Week Dates Your runs Weekly running" in page


def test_runplan_traffic_light_cadence_goal_and_evidence() -> None:
    plan = _plan(race_date=START + dt.timedelta(weeks=40))
    text = " ".join(_pages_text(render_runplan(_handout(plan, rules=PainRules(2, 4)))))
    for word, rule in zip(("GO", "HOLD", "STOP"), describe_pain_rules(PainRules(2, 4)),
                          strict=True):
        assert word in text
        assert _flat(rule[1]) in text
    assert "Pain 0 to 2 out of 10" in text  # the clinician's own thresholds, not the defaults
    assert "Set your metronome to 172 beats per minute".lower() in text.lower()
    assert f"reach your goal in week {plan.goal_week}" in text
    assert "in time for your race" in text
    for source in ("Buist 2008", "Nielsen 2014", "30%"):
        assert source in text


def test_runplan_without_cadence_or_race_says_neither() -> None:
    text = " ".join(_pages_text(render_runplan(_handout(_plan(), cadence=None))))
    assert "metronome" not in text
    assert "your race" not in text


def test_runplan_log_has_a_row_for_every_run_of_the_next_weeks() -> None:
    from ptdesk.reports.runplan_pdf import LOG_WEEKS, log_weeks

    plan = _plan()
    assert len(plan.weeks) > LOG_WEEKS  # the plan is longer than the paper log
    text = " ".join(_pages_text(render_runplan(_handout(plan))))
    log = text[text.index("Your running log"):]
    covered = log_weeks(plan)
    assert [w.week for w in covered] == [w.week for w in plan.weeks[:LOG_WEEKS]]
    sessions = [s for w in covered for s in w.runs]
    assert log.count("better · same stiff, then OK · worse") == len(sessions)
    for session in sessions:
        assert f"{session.date:%a} {session.date:%b} {session.date.day} " in log
    assert f"covers weeks 1 to {LOG_WEEKS}" in log
    later = plan.weeks[LOG_WEEKS].sessions[0]
    assert f"{later.date:%a} {later.date:%b} {later.date.day} " not in log


def test_runplan_paper_size_and_fonts() -> None:
    pdf = render_runplan(_handout(_plan(), NAMES[1], paper="a4"))
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.5)
    _fonts_are_embedded_dejavu(pdf)


def test_write_runplan_and_unsaved_plan_from_the_cli(tmp_path: Path) -> None:
    plan = _plan("mi", 2, 12)
    saved = write_runplan(_handout(plan, LONG_NAME), tmp_path / "plan.pdf")
    assert LONG_NAME in " ".join(_pages_text(saved.read_bytes()))

    unsaved = write_runplan_pdf(plan, tmp_path / "unsaved.pdf")
    text = " ".join(_pages_text(unsaved.read_bytes()))
    assert unsaved == tmp_path / "unsaved.pdf"
    assert "Your return-to-run plan" in text
    assert _flat(describe_pain_rules(PainRules())[0][1]) in text
    _check_week_rows(plan, _body_text(unsaved.read_bytes()), "mi")

    named = write_runplan_pdf(plan, tmp_path / "named.pdf", patient_name=NAMES[2])
    assert NAMES[2] in " ".join(_pages_text(named.read_bytes()))


def test_clinic_logo_prints_on_every_page(drawing: Path) -> None:
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 120), "#1d4e89").save(buffer, format="PNG")
    clinic = ClinicInfo("Riverside Running Physio", "12 Mill Lane", "(541) 555-0142",
                        logo_bytes=buffer.getvalue())
    sheet = ExerciseSheet(clinic, "Dana Whitfield, PT, DPT", NAMES[0], dt.date(2025, 3, 4),
                          _library_items(drawing))
    pages = pypdf.PdfReader(io.BytesIO(render_exercise_sheet(sheet))).pages
    assert len(pages) > 1
    for page in pages:
        assert (400, 120) in [image.image.size for image in page.images]
