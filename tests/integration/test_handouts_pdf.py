"""Handout PDFs read back with pypdf: names, dosages, pictures, fonts, paper and page breaks."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest
from PIL import Image as PILImage

from ptdesk.domain.exercise_library import exercise_dosage_in_words, load_library_from
from ptdesk.reports.dto import ClinicInfo, ExerciseSheet, ExerciseSheetItem
from ptdesk.reports.exercise_sheet import render_exercise_sheet, write_exercise_sheet

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


def test_fonts_are_embedded_dejavu(drawing: Path) -> None:
    pdf = render_exercise_sheet(_sheet(_library_items(drawing), NAMES[2]))
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
