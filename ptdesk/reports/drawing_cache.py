"""Draw each vector illustration once per process, then replay its PDF operators on any page.

Rendering an SVG drawing walks thousands of shapes in Python; the operators it produces
(paths, colours, line widths) are the same every time. They are recorded once and pasted
into each page that shows the drawing. Text in a drawing ("Start", "Finish") is the
exception: its font names and glyph codes belong to one PDF file, so those calls are
replayed live on the real page. A drawing that uses anything else tied to one file
(images, transparency, shadings) is never recorded and is drawn the ordinary way.
"""

from __future__ import annotations

import io
import re
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas

# Operators that name a resource of one PDF file (graphics state, XObject, shading, font)
# or hold an inline image: a recording that contains one cannot be pasted elsewhere.
_FILE_BOUND = re.compile(r"(?:^|\s)(?:gs|Do|sh|Tf|BI|ID|EI)(?:\s|$)")

Call = tuple[str, tuple[Any, ...], dict[str, Any]]
_STATE_DEFAULTS: dict[str, object] = {
    "setFillAlpha": 1, "setStrokeAlpha": 1, "setFillOverprint": False,
    "setStrokeOverprint": False, "setOverprintMask": 0,
}
Recording = tuple["str | Call", ...]


class _Unrecordable(Exception):
    """The drawing uses something that only exists inside one PDF file."""


class _Recorder(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A scratch canvas that keeps operators as text and text-drawing calls as calls."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO())
        self.ops: list[str | Call] = []
        self._mark = len(self._code)

    def _flush(self) -> None:
        if len(self._code) > self._mark:
            self.ops.append("\n".join(self._code[self._mark:]))
        self._mark = len(self._code)

    def _live(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._flush()
        self.ops.append((name, args, kwargs))

    def setFont(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 - reportlab's name
        self._live("setFont", args, kwargs)
        super().setFont(*args, **kwargs)  # the renderer reads the current font back
        self._mark = len(self._code)  # its operator is replayed on the real page, not pasted

    def drawString(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        self._live("drawString", args, kwargs)

    def _graphics_state(name: str) -> Any:  # noqa: N805 - builds methods
        def record(self: _Recorder, value: object) -> None:
            # Every colour sets alpha and overprint, nearly always to the default; those
            # live in the file's graphics-state resources, so only the default is kept.
            if value != _STATE_DEFAULTS[name]:
                raise _Unrecordable
            self.__dict__.setdefault("_state_set", set()).add(name)

        return record

    setFillAlpha = _graphics_state("setFillAlpha")  # noqa: N815 - reportlab's names
    setStrokeAlpha = _graphics_state("setStrokeAlpha")  # noqa: N815
    setFillOverprint = _graphics_state("setFillOverprint")  # noqa: N815
    setStrokeOverprint = _graphics_state("setStrokeOverprint")  # noqa: N815
    setOverprintMask = _graphics_state("setOverprintMask")  # noqa: N815

    def _refuse(self, *_args: Any, **_kwargs: Any) -> None:
        raise _Unrecordable

    # Everything else that adds a resource to the PDF file rather than to the page.
    drawImage = drawInlineImage = doForm = shade = _refuse  # noqa: N815
    linearGradient = radialGradient = drawText = beginText = _refuse  # noqa: N815

    def finish(self) -> Recording:
        self._flush()
        if any(isinstance(op, str) and _FILE_BOUND.search(op) for op in self.ops):
            raise _Unrecordable
        # Defaults throughout, so one live reset at the start does what drawing it directly
        # would do (the page's own state decides whether anything is written).
        resets: list[str | Call] = [(name, (_STATE_DEFAULTS[name],), {})
                                    for name in sorted(self.__dict__.get("_state_set", ()))]
        return (*resets, *self.ops)


def _record(drawing: Drawing) -> Recording | None:
    recorder = _Recorder()
    try:
        renderPDF.draw(drawing, recorder, 0, 0)
        return recorder.finish()
    except _Unrecordable:
        return None


def draw(drawing: Drawing, canv: Canvas, scale: float = 1.0) -> None:
    """Draw `drawing` scaled at the origin of `canv`, recording it on first use.

    Wrapped in a saved graphics state, so the page's colours, fonts and transparency
    are as before afterwards, whichever way the drawing was put on the page.
    """
    recording = drawing.__dict__.get("_ptdesk_recording", False)
    if recording is False:
        recording = _record(drawing)
        # Kept on the drawing itself: drawings are parsed once per process and shared.
        drawing.__dict__["_ptdesk_recording"] = recording
    canv.saveState()
    if scale != 1:
        canv.scale(scale, scale)
    if recording is None:
        renderPDF.draw(drawing, canv, 0, 0)
    else:
        for op in recording:
            if isinstance(op, str):
                canv.addLiteral(op)
            else:
                name, args, kwargs = op
                getattr(canv, name)(*args, **kwargs)
    canv.restoreState()
