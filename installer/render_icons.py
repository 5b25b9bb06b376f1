"""Render the application icon (resources/icons/calmdesk.svg) as PNGs, a Windows .ico and a
macOS .icns.

Run once after changing the drawing, then commit what it wrote:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/render_icons.py

It writes resources/icons/calmdesk-<size>.png (16 to 256 px: the window, the tray, the Linux
desktop), installer/windows/calmdesk.ico and installer/macos/calmdesk.icns (the executables' own
icons, used by installer/calmdesk.spec). Both containers hold PNG images, which Windows Vista and
later and macOS 10.7 and later read.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "calmdesk.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256)
ICO_FILE = ROOT / "installer" / "windows" / "calmdesk.ico"
ICNS_FILE = ROOT / "installer" / "macos" / "calmdesk.icns"
# The icns element types that hold a PNG, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size} px image")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico file holding PNG images: a header, one directory entry per image, the images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an .ico directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
        for size, png in sorted(images.items())
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"render_icons: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    sizes = sorted(set(PNG_SIZES) | set(ICNS_TYPES))
    images = {size: render(renderer, size) for size in sizes}
    for size in PNG_SIZES:
        target = SOURCE.with_name(f"calmdesk-{size}.png")
        target.write_bytes(images[size])
        print(f"wrote {target.relative_to(ROOT)}")
    ICO_FILE.parent.mkdir(parents=True, exist_ok=True)
    ICO_FILE.write_bytes(ico({size: images[size] for size in PNG_SIZES}))
    print(f"wrote {ICO_FILE.relative_to(ROOT)}")
    ICNS_FILE.parent.mkdir(parents=True, exist_ok=True)
    ICNS_FILE.write_bytes(icns({size: images[size] for size in ICNS_TYPES}))
    print(f"wrote {ICNS_FILE.relative_to(ROOT)}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
