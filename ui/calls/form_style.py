"""The call widgets' few colours: calm, readable on light and dark palettes."""

from __future__ import annotations

from ui import theme

_LIGHT = {
    "title": "#37474f",
    "hint": "#607d8b",
    "tell_bg": "#e8f4fd",
    "tell_border": "#b3d4ef",
    "tell_text": "#0d3c61",
    "problem_bg": "#fdecea",
    "problem_border": "#f5c2bd",
    "problem_text": "#611a15",
    "card": "#455a64",
    "surge_bg": "#fff4e0",
    "surge_border": "#f0c36d",
    "surge_text": "#4d3200",
}
_DARK = {
    "title": "#cfd8dc",
    "hint": "#90a4ae",
    "tell_bg": "#12324a",
    "tell_border": "#2b5f86",
    "tell_text": "#d6ecff",
    "problem_bg": "#4a1f1c",
    "problem_border": "#8c3b35",
    "problem_text": "#fde2df",
    "card": "#b0bec5",
    "surge_bg": "#46360f",
    "surge_border": "#8a6d20",
    "surge_text": "#ffecc2",
}


def colours() -> dict[str, str]:
    return _DARK if theme.is_dark() else _LIGHT


def form_style_sheet() -> str:
    c = colours()
    return f"""
    QLabel#heading {{ font-size: 15px; font-weight: 600; color: {c["title"]}; }}
    QLabel#sectionTitle {{ font-weight: 600; color: {c["title"]}; }}
    QLabel#hint, QLabel#status {{ color: {c["hint"]}; }}
    QLabel#callerCard {{ color: {c["card"]}; padding: 2px 2px 4px 2px; }}
    QLabel#tellCaller {{
        background: {c["tell_bg"]}; color: {c["tell_text"]};
        border: 1px solid {c["tell_border"]}; border-radius: 6px; padding: 8px 10px;
    }}
    QWidget#problemBox {{
        background: {c["problem_bg"]}; border: 1px solid {c["problem_border"]};
        border-radius: 6px;
    }}
    QLabel#problem {{ color: {c["problem_text"]}; background: transparent; }}
    QPushButton#primary {{ font-weight: 600; }}
    """


def banner_style_sheet() -> str:
    c = colours()
    return f"""
    QFrame#surgeBanner {{
        background: {c["surge_bg"]}; border: 1px solid {c["surge_border"]}; border-radius: 6px;
    }}
    QFrame#surgeBanner QLabel {{ color: {c["surge_text"]}; background: transparent; }}
    """
