"""A picture box that draws an exercise's SVG line-art or the clinic's photo, scaled to fit."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QWidget


class ImageView(QLabel):
    """Shows nothing, an SVG drawing or a photo; keeps the aspect ratio on resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._svg: QSvgRenderer | None = None
        self._photo: QImage | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(160, 110))
        # Ignored: the pixmap follows the box's size, never the other way round (no resize loop).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setWordWrap(True)
        self.clear_picture("No exercise selected")

    def clear_picture(self, text: str) -> None:
        self._svg, self._photo = None, None
        self.setPixmap(QPixmap())
        self.setText(text)

    def show_svg(self, data: bytes) -> bool:
        renderer = QSvgRenderer(QByteArray(data))
        if not renderer.isValid():
            self.clear_picture("The drawing could not be read.")
            return False
        self._svg, self._photo = renderer, None
        self._render()
        return True

    def show_photo(self, data: bytes) -> bool:
        image = QImage.fromData(data)
        if image.isNull():
            self.clear_picture("The photo could not be read.")
            return False
        self._svg, self._photo = None, image
        self._render()
        return True

    def has_picture(self) -> bool:
        return self._svg is not None or self._photo is not None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.has_picture():
            self._render()

    def _render(self) -> None:
        ratio = self.devicePixelRatioF()
        room = self.contentsRect().size().shrunkBy(self.contentsMargins()) * ratio
        room = room.expandedTo(QSize(40, 40))
        if self._photo is not None:
            pixmap = QPixmap.fromImage(self._photo.scaled(
                room, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        elif self._svg is not None:
            size = self._svg.defaultSize().scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
            pixmap = QPixmap(size)
            # Line-art is drawn on white paper, as it will be printed, even in dark mode.
            pixmap.fill(QColor("white"))
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._svg.render(painter, QRectF(0, 0, size.width(), size.height()))
            painter.end()
        else:
            return
        pixmap.setDevicePixelRatio(ratio)
        self.setPixmap(pixmap)
