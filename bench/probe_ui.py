"""UI probe (one process, the real main window offscreen): search keystrokes, chart opening, memory.

    python bench/probe_ui.py search DB [--keystrokes 200] [--seed 1]
    python bench/probe_ui.py chart DB [--opens 15]
    python bench/probe_ui.py rss DB [--charts 20]

The app is started with `ptdesk.ui.app.launch` (what `ptdesk` runs) and measured once the
database is open and the background imports are done.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

from clinic_cache import BIG_CHART_MRN, PROGRESS_MRN
from probe_common import ACTOR, DIALOGS, close_app, emit, launch_app, patient_ids, rss_mib

OTHER_MRN = "DEMO-0001"  # the chart open before each timed opening of the big chart
SEARCH_PREFIX_MAX = 5    # a clinician types a few letters of a name, then picks from the list


def _name_prefixes(session_factory: Any, keystrokes: int, seed: int) -> list[str]:
    """Real names from the clinic, typed letter by letter: 'G', 'Ga', 'Gar', ... per name."""
    from sqlalchemy import func, select

    from ptdesk.db.models import Patient
    from ptdesk.services.uow import transaction

    rng = random.Random(seed)
    with transaction(session_factory) as session:
        top = int(session.scalar(select(func.max(Patient.id))) or 0)
        picked = rng.sample(range(1, top + 1), min(top, keystrokes))
        rows = session.execute(select(Patient.first_name, Patient.last_name)
                               .where(Patient.id.in_(picked))).all()
    names = [last if rng.random() < 0.75 else first for first, last in rows]
    rng.shuffle(names)
    words: list[str] = []
    typed = 0
    for name in names:
        word = name[:SEARCH_PREFIX_MAX]
        words.append(word[:keystrokes - typed])
        typed += len(words[-1])
        if typed >= keystrokes:
            break
    return words


def _type_letter(app: Any, widget: Any, letter: str) -> None:
    """One key press and release carrying `letter`, as a keyboard delivers it.

    QTest.keyClicks only knows ASCII keys; names here include letters such as "Ø".
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    code = ord(letter.upper()) if letter.isascii() and letter.isprintable() else 0
    key = Qt.Key(code) if code else Qt.Key.Key_unknown
    mods = (Qt.KeyboardModifier.ShiftModifier if letter.isupper()
            else Qt.KeyboardModifier.NoModifier)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        app.sendEvent(widget, QKeyEvent(kind, key, mods, letter))


def search(db: str, keystrokes: int, seed: int) -> dict[str, Any]:
    """Each keystroke: key event -> text edited -> the debounced search applied -> list painted.

    The 120 ms debounce itself is not timed (it is a deliberate pause, not work): after
    the key event we call flush_pending_search(), which is exactly what the debounce
    timer does when it fires. The "N patients" count the model defers until after the
    paint is timed separately ("count").
    """
    started = launch_app(db)
    app, window = started.app, started.window
    model, edit, view = window.model, window.search_edit, window.patient_view
    assert model is not None
    words = _name_prefixes(started.loader.ctx.session_factory, keystrokes, seed)  # type: ignore[union-attr]
    window.activateWindow()
    edit.setFocus()
    filtered: list[float] = []
    counted: list[float] = []
    rows: list[int] = []
    lengths: list[int] = []  # letters in the box after each keystroke (never the names: PHI)
    for word in words:
        edit.clear()  # between names: back to the full list, not timed
        model.set_search("")
        app.processEvents()
        for letter in word:
            began = time.perf_counter()
            _type_letter(app, edit, letter)
            model.flush_pending_search()
            view.viewport().repaint()
            painted = time.perf_counter()
            app.processEvents()
            filtered.append((painted - began) * 1000)
            counted.append((time.perf_counter() - painted) * 1000)
            rows.append(model.rowCount())
            lengths.append(len(edit.text()))
        if model.search_text != edit.text().strip():
            raise RuntimeError("the list does not show what was typed")
    close_app(started)
    return {"filter_ms": filtered, "count_ms": counted, "typed_length": lengths,
            "words": len(words),
            "empty_results": sum(r == 0 for r in rows), "dialogs": DIALOGS}


def _tab_titles(window: Any) -> list[str]:
    tabs = window.chart.tabs
    return [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]


def chart(db: str, opens: int) -> dict[str, Any]:
    """Click the big chart's row in the list; timed until the chart is repainted and settled."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    started = launch_app(db)
    app, window = started.app, started.window
    model, view = window.model, window.patient_view
    assert model is not None and window.chart is not None
    ids = patient_ids(started.loader.ctx.session_factory, [BIG_CHART_MRN, OTHER_MRN])  # type: ignore[union-attr]
    window.search_edit.setText(BIG_CHART_MRN)
    model.set_search(BIG_CHART_MRN)  # the list shows just the big chart's row
    app.processEvents()
    row = model.row_of(ids[BIG_CHART_MRN])
    assert row is not None
    results: dict[str, list[float]] = {}
    for index, title in enumerate(_tab_titles(window)):
        window.open_patient(ids[OTHER_MRN])
        window.chart.tabs.setCurrentIndex(index)
        app.processEvents()
        times = []
        for attempt in range(opens + 2):  # two warm-up openings build the tab's widgets
            window.open_patient(ids[OTHER_MRN])
            app.processEvents()
            point = view.visualRect(model.index(row, 1)).center()
            began = time.perf_counter()
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, point)
            window.repaint()
            app.processEvents()
            elapsed = (time.perf_counter() - began) * 1000
            if window.chart.patient_id != ids[BIG_CHART_MRN]:
                raise RuntimeError("clicking the row did not open the chart")
            if attempt >= 2:
                times.append(elapsed)
        results[title] = times
    close_app(started)
    return {"tabs": results, "dialogs": DIALOGS}


def rss(db: str, charts: int, seed: int) -> dict[str, Any]:
    """Open `charts` charts and look at every tab of each; then read the resident memory."""
    started = launch_app(db)
    app, window = started.app, started.window
    sf = started.loader.ctx.session_factory  # type: ignore[union-attr]
    before = rss_mib()
    mrns = [BIG_CHART_MRN, PROGRESS_MRN] + [f"DEMO-{n:04d}" for n in range(1, 6)]
    chosen = list(patient_ids(sf, mrns).values())
    from ptdesk.services.patients import search_patients

    pool = [p.id for p in search_patients(sf, "SYN-", actor=ACTOR, limit=2000)]
    chosen += random.Random(seed).sample(pool, max(0, charts - len(chosen)))
    assert window.chart is not None
    for patient_id in chosen[:charts]:
        window.open_patient(patient_id)
        for index in range(window.chart.tabs.count()):
            window.chart.tabs.setCurrentIndex(index)
            app.processEvents()
    after = rss_mib()
    close_app(started)
    return {"rss_mib": after, "rss_ready_mib": before, "charts": len(chosen[:charts]),
            "dialogs": DIALOGS}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("search", "chart", "rss"))
    parser.add_argument("db")
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument("--opens", type=int, default=15)
    parser.add_argument("--charts", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.mode == "search":
        emit(search(args.db, args.keystrokes, args.seed))
    elif args.mode == "chart":
        emit(chart(args.db, args.opens))
    else:
        emit(rss(args.db, args.charts, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
