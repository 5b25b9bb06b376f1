"""What a new user sees on a database with no incidents: four clear ways to begin."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

CARD_WIDTH = 720  # readable line length; narrower windows wrap the text instead of cutting it


class WelcomeView(QWidget):
    sample_requested = Signal()
    connect_requested = Signal()  # open the connection dialog
    import_requested = Signal()  # open the import dialog
    start_empty_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome")
        title = QLabel("Welcome to Calmdesk")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "This database holds no incidents yet. How would you like to begin?\n"
            "You can change your mind later."
        )
        intro.setWordWrap(True)
        title.setWordWrap(True)

        self.sample_button = QPushButton("&Load the sample data")
        self.sample_button.setAccessibleName("Load the sample data")
        self.sample_button.setDefault(True)
        sample_text = QLabel(
            "A realistic Monday morning: the Email service is down and declared a major "
            "incident, with 30 calls, a half-done checklist and a vendor case, plus 200 "
            "ordinary incidents. The same as `calmdesk demo`."
        )
        self.connect_button = QPushButton("&Connect to a team database…")
        self.connect_button.setAccessibleName("Connect to a team database")
        connect_text = QLabel(
            "Work with your colleagues on one shared queue: a PostgreSQL server, or a database "
            "file on a shared folder. Your administrator tells you the details."
        )
        self.connect_status = QLabel("")
        self.connect_status.setAccessibleName("Connection result")
        self.connect_status.setWordWrap(True)
        self.import_button = QPushButton("Import &history…")
        self.import_button.setAccessibleName("Import history")
        import_text = QLabel(
            "Bring your incidents and their timelines from another help desk: a ServiceNow "
            "incident log, or any CSV export. The open ones come into the queue; every one, "
            "closed too, opens by its number with Ctrl+G."
        )
        self.empty_button = QPushButton("&Start empty")
        self.empty_button.setAccessibleName("Start empty")
        empty_text = QLabel("Open the queue and create your first incident with Ctrl+N.")
        empty_text.setWordWrap(True)

        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(CARD_WIDTH)
        # Wrapped labels only get the height their text needs at the width they are given when
        # the layouts ask for height-for-width: stretches centre the card, not an alignment
        # flag (an aligned item gets its plain size hint, which cut the text mid-line).
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        card.setSizePolicy(policy)
        layout = QVBoxLayout(card)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        for button, text in ((self.sample_button, sample_text), (self.import_button, import_text)):
            layout.addSpacing(8)
            layout.addWidget(button)
            text.setWordWrap(True)
            layout.addWidget(text)
        layout.addSpacing(8)
        layout.addWidget(self.connect_button)
        connect_text.setWordWrap(True)
        layout.addWidget(connect_text)
        layout.addWidget(self.connect_status)
        layout.addSpacing(8)
        layout.addWidget(self.empty_button)
        layout.addWidget(empty_text)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 100)
        row.addStretch(1)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        # A small window or a large font scrolls rather than clips.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.sample_button.clicked.connect(self.sample_requested)
        self.empty_button.clicked.connect(self.start_empty_requested)
        self.connect_button.clicked.connect(self.connect_requested)
        self.import_button.clicked.connect(self.import_requested)

    def set_busy(self, message: str) -> None:
        buttons = (self.sample_button, self.import_button, self.connect_button, self.empty_button)
        for button in buttons:
            button.setEnabled(not message)
        self.connect_status.setText(message)

    def show_connect_result(self, message: str) -> None:
        self.set_busy("")
        self.connect_status.setText(message)
