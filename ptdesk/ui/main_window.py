"""The main window: searchable patient list on the left, the open chart on the right, menus and bars."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStyle,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

# Only PySide6 (and this Qt-only helper) is imported up front: the window can appear while
# the database stack (SQLAlchemy, migrations, services) is still loading; attach() brings
# the rest in.
from ptdesk.ui.kit.window_size import first_size

if TYPE_CHECKING:
    from ptdesk.ui.admin.account_menu import AccountMenu
    from ptdesk.ui.chart.change_watcher import ChangeWatcher
    from ptdesk.ui.chart.chart_widget import ChartWidget
    from ptdesk.ui.context import AppContext
    from ptdesk.ui.patients.patient_list_model import PatientListModel

SEARCH_PLACEHOLDER = "Search name, MRN or birth date"
STATUS_TIMEOUT_MS = 6000
LIST_WIDTH = 360  # default patient list width: MRN, a long name, born and age fit
MRN_MAX_CHARS = 16  # the MRN column grows to fit MRNs up to this long (longer ones elide)
NARROW_LIST_WIDTH = 270  # … in windows under NARROW_WINDOW px, where the chart needs the room
NARROW_WINDOW = 1200
BORN_FROM = 330  # list width (px) from which the Born column is shown; names come first


class MainWindow(QMainWindow):
    """Built empty and shown at once; attach(ctx) connects it to the clinic database."""

    def __init__(self, ctx: AppContext | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("PT Desk")
        self.ctx: AppContext | None = None
        self.model: PatientListModel | None = None
        self.chart: ChartWidget | None = None
        self.account_menu: AccountMenu | None = None  # the signed-in user's items and lock
        self.watcher: ChangeWatcher | None = None  # saves made on other workstations
        self.transport_label: QLabel | None = None  # clinic mode without full TLS
        self.settings = settings if settings is not None else QSettings()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self.statusBar().showMessage("Opening the clinic database…")
        self._restore_layout()
        self._connect_signals()
        self._update_actions()
        if ctx is not None:
            self.attach(ctx)

    # ---- building -----------------------------------------------------------------------

    def _action(self, name: str, text: str, shortcut: QKeySequence | str | None = None,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_patient_action = self._action("newPatient", "&New patient…",
                                               QKeySequence.StandardKey.New, sp.SP_FileIcon)
        self.settings_action = self._action("clinicSettings", "Clinic &settings…")
        self.quit_action = self._action("quit", "&Quit", QKeySequence.StandardKey.Quit)
        self.find_action = self._action("findPatient", "&Find patient", QKeySequence.StandardKey.Find)
        self.edit_patient_action = self._action("editPatient", "&Edit patient…", "Ctrl+E",
                                                sp.SP_FileDialogDetailedView)
        self.save_action = self._action("saveChart", "&Save", QKeySequence.StandardKey.Save,
                                        sp.SP_DialogSaveButton)
        self.print_action = self._action("print", "&Print…", QKeySequence.StandardKey.Print,
                                         sp.SP_FileDialogContentsView)
        self.print_sheet_action = self._action("printExerciseSheet", "Print e&xercise sheet…")
        self.print_plan_action = self._action("printRunPlan", "Print &run plan…")
        self.print_report_action = self._action("printProgressReport", "Print pro&gress report…")
        self.print_evaluation_action = self._action("printEvaluation", "Print e&valuation…")
        self.about_action = self._action("about", "&About PT Desk")
        self.print_menu = QMenu("Print", self)
        self.print_menu.setObjectName("printMenu")
        self.print_menu_actions: dict[str, QAction] = {}  # filled from the tabs in attach()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_patient_action, self.settings_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        patient_menu = bar.addMenu("&Patient")
        patient_menu.addActions([self.find_action, self.edit_patient_action, self.save_action])
        patient_menu.addSeparator()
        patient_menu.addActions([self.print_action, self.print_sheet_action, self.print_plan_action,
                                 self.print_report_action, self.print_evaluation_action])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        from ptdesk.ui.desktop.desktop_shell import add_menu_items

        add_menu_items(self, bar, help_menu)  # View › Appearance…, Help › Open log folder

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("mainToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.new_patient_action, self.edit_patient_action,
                                 self.save_action, self.print_action])
        self.addToolBar(self.toolbar)

    def _build_central(self) -> None:
        left = QWidget(self)
        self.search_label = QLabel("F&ind patient", left)
        self.search_edit = QLineEdit(left)
        self.search_edit.setObjectName("patientSearch")
        self.search_edit.setAccessibleName("Find patient")
        self.search_edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search_edit)
        self.patient_view = QTableView(left)
        self.patient_view.setObjectName("patientList")
        self.patient_view.setAccessibleName("Patients")
        self.patient_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.patient_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.patient_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.patient_view.setAlternatingRowColors(True)
        self.patient_view.setWordWrap(False)
        self.patient_view.verticalHeader().hide()
        # Fixed row heights: the view never measures rows, so long lists stay fast.
        self.patient_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.patient_view.verticalHeader().setDefaultSectionSize(
            self.patient_view.fontMetrics().height() + 8)
        self.count_label = QLabel(left)
        self.count_label.setObjectName("patientCount")
        layout = QVBoxLayout(left)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.search_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.patient_view, 1)
        layout.addWidget(self.count_label)
        self.loading_label = QLabel("Opening the clinic database…", self)
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.loading_label)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.search_edit.installEventFilter(self)
        self.patient_view.installEventFilter(self)
        self.search_edit.setFocus()  # typing a name is the first thing a clinician does

    def _restore_layout(self) -> None:
        geometry, state = (self.settings.value(f"main_window/{k}") for k in ("geometry", "state"))
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(*first_size(self.screen().availableGeometry().size()))
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self._restore_splitter()

    def _restore_splitter(self) -> None:
        splitter = self.settings.value("main_window/splitter")
        if not isinstance(splitter, QByteArray) or not self.splitter.restoreState(splitter):
            width = LIST_WIDTH if self.width() >= NARROW_WINDOW else NARROW_LIST_WIDTH
            self.splitter.setSizes([width, max(self.width() - width, width)])

    def save_layout(self) -> None:
        self.settings.setValue("main_window/geometry", self.saveGeometry())
        self.settings.setValue("main_window/state", self.saveState())
        self.settings.setValue("main_window/splitter", self.splitter.saveState())
        self.settings.sync()

    def _connect_signals(self) -> None:
        self.quit_action.triggered.connect(self.close)
        self.find_action.triggered.connect(self._on_find_action_triggered)
        self.about_action.triggered.connect(self._on_about_action_triggered)
        self.new_patient_action.triggered.connect(self._on_new_patient_action_triggered)
        self.edit_patient_action.triggered.connect(self._on_edit_patient_action_triggered)
        self.settings_action.triggered.connect(self._on_settings_action_triggered)
        self.save_action.triggered.connect(self._on_save_action_triggered)
        self.print_action.triggered.connect(self._on_print_action_triggered)
        self.print_sheet_action.triggered.connect(lambda: self.print_handout("exercises"))
        self.print_plan_action.triggered.connect(lambda: self.print_handout("runplan"))
        self.print_report_action.triggered.connect(lambda: self.print_handout("progress"))
        self.print_evaluation_action.triggered.connect(lambda: self.print_handout("evaluation"))
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.patient_view.activated.connect(self._on_patient_view_activated)
        self.patient_view.clicked.connect(self._on_patient_view_activated)

    # ---- attaching the database -----------------------------------------------------------

    def attach(self, ctx: AppContext) -> None:
        """Connect to the clinic: patient list model, chart, and app-wide signals."""
        from ptdesk.ui.chart.change_watcher import watch_main_window
        from ptdesk.ui.chart.chart_widget import ChartWidget
        from ptdesk.ui.patients.patient_list_model import PatientListModel

        self.ctx = ctx
        self.model = PatientListModel(ctx.session_factory, ctx.actor, self)
        self.patient_view.setModel(self.model)
        header = self.patient_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.chart = ChartWidget(ctx, self)
        for kind, text in self.chart.printouts():  # what the tabs declare they print
            action = self.print_menu_actions[kind] = self.print_menu.addAction(text)
            action.triggered.connect(lambda _=False, k=kind: self.print_handout(k))
        self.splitter.replaceWidget(1, self.chart)
        self.loading_label.deleteLater()
        self._restore_splitter()
        self.model.total_changed.connect(self._on_model_total_changed)
        self.model.search_applied.connect(self._on_model_search_applied)
        ctx.signals.status_message.connect(self._on_signals_status_message)
        ctx.signals.patient_changed.connect(self._on_signals_patient_changed)
        self.model.set_search(self.search_edit.text())
        fm = self.patient_view.fontMetrics()
        # MRNs are short codes; the name column gets the rest of the width.
        header.resizeSection(0, fm.horizontalAdvance("DEMO-0000") + 10)
        header.resizeSection(2, fm.horizontalAdvance("0000-00-00") + 12)
        header.resizeSection(3, fm.horizontalAdvance("Age") + 14)
        self._fit_mrn_column()  # the first page may already be in
        self._fit_list_columns()
        from ptdesk.ui.admin.account_menu import AccountMenu
        from ptdesk.ui.signin.lock_controller import LockController

        lock = LockController(ctx, self, flush_drafts=self.chart.flush_draft)
        self.account_menu = AccountMenu(self, ctx, lock=lock)  # role-based menus, the lock
        self.watcher = watch_main_window(self, ctx)  # refreshes on other workstations' saves
        lock.locked.connect(self.watcher.pause)
        lock.unlocked.connect(self.watcher.resume)
        self.account_menu.sign_out_requested.connect(self._on_account_sign_out_requested)
        lock.switch_user_requested.connect(self._on_lock_switch_user_requested)
        self._remind_unsigned_notes(ctx)
        self._show_transport(ctx)
        self.statusBar().showMessage("Ready.", STATUS_TIMEOUT_MS)
        self._update_actions()

    def _show_transport(self, ctx: AppContext) -> None:
        """Clinic mode with a weaker sslmode than verify-full: say so, all the time."""
        from ptdesk.services.connection import transport_problem

        problem = transport_problem(ctx.session_factory)
        if problem is None or self.transport_label is not None:  # shown once per window
            return
        label = QLabel(f"Clinic server: {problem}", self)
        label.setObjectName("transportWarning")
        label.setToolTip("The database URL sets a weaker sslmode than verify-full; see "
                         "\"Running a clinic\" in the README.")
        self.statusBar().addPermanentWidget(label)
        self.transport_label = label

    def detach(self) -> None:
        """Sign the window out (Sign out, Switch user): drafts kept, everything of the user
        taken down, the window left empty for the next sign-in (attach)."""
        if self.ctx is None:
            return
        ctx, chart, model = self.ctx, self.chart, self.model
        if chart is not None:
            chart.flush_draft()  # typed text stays as the user's own drafts
        if self.watcher is not None:
            self.watcher.stop()
        if self.account_menu is not None:
            self.account_menu.remove()  # its menu items, name, and the lock
        ctx.signals.status_message.disconnect(self._on_signals_status_message)
        ctx.signals.patient_changed.disconnect(self._on_signals_patient_changed)
        self.print_menu.clear()
        self.print_menu_actions.clear()
        self.patient_view.setModel(None)
        self.ctx = self.chart = self.model = self.account_menu = self.watcher = None
        self.loading_label = QLabel("Sign in to open the clinic's charts.", self)
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if chart is not None:
            self.splitter.replaceWidget(1, self.loading_label)
            chart.deleteLater()
        if model is not None:
            model.deleteLater()
        notes = getattr(self, "unsigned_notes", None)
        if notes is not None:
            notes.hide()
            notes.deleteLater()
            self.unsigned_notes = None
        self.search_edit.clear()  # the last user's search may name a patient
        self.count_label.clear()
        for action in (self.new_patient_action, self.edit_patient_action):
            action.setToolTip("")
        self._update_actions()
        self.statusBar().showMessage("Signed out.", STATUS_TIMEOUT_MS)

    def sign_out(self, *, switching: bool = False, ask: bool = True) -> object:
        """File › Sign out or Switch user: work kept, then the sign-in prompt (None: cancelled)."""
        from ptdesk.ui.signin.switch_user import sign_out

        self.user_switch = sign_out(self, switching=switching, ask=ask)
        return self.user_switch

    def _on_account_sign_out_requested(self, switching: bool) -> None:
        self.sign_out(switching=switching)

    def _on_lock_switch_user_requested(self) -> None:
        # Deferred: the click came from the lock overlay, which signing out deletes.
        QTimer.singleShot(0, lambda: self.sign_out(switching=True, ask=False))

    def _remind_unsigned_notes(self, ctx: AppContext) -> None:
        """The signed-in clinician's old unsigned notes, under the patient list (issue 18)."""
        from ptdesk.ui.signin.unsigned_notes import UnsignedNotesPanel

        old = getattr(self, "unsigned_notes", None)
        if old is not None:  # signed in again (switch user): the new user's notes
            old.deleteLater()
        left = self.splitter.widget(0)
        self.unsigned_notes = UnsignedNotesPanel(ctx, self.open_note, left)
        layout = left.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.count_label), self.unsigned_notes)

    def open_note(self, patient_id: int, visit_id: int) -> None:
        """Open a patient's chart at one visit's note (the unsigned-notes reminder)."""
        self.open_patient(patient_id)
        if self.chart is not None and self.chart.patient_id == patient_id:
            self.chart.open_visit(visit_id)

    # ---- patients -----------------------------------------------------------------------

    def open_patient(self, patient_id: int | None) -> None:
        """Show a patient's chart; the chart being left has its drafts saved first."""
        if self.chart is None or self.ctx is None:
            return
        if self.watcher is not None:  # watch first: a save while the chart loads is news
            self.watcher.set_patient(patient_id)
        self.chart.set_patient(patient_id)
        self.ctx.signals.patient_selected.emit(self.chart.patient_id or 0)
        self._select_in_list(self.chart.patient_id)
        self._update_actions()

    def _select_in_list(self, patient_id: int | None) -> None:
        row = None if self.model is None or patient_id is None else self.model.row_of(patient_id)
        if row is not None and self.patient_view.currentIndex().row() != row:
            self.patient_view.selectRow(row)

    def _update_actions(self) -> None:
        ready = self.ctx is not None
        has_patient = self.chart is not None and self.chart.patient_id is not None
        for action in (self.new_patient_action, self.settings_action, self.find_action):
            action.setEnabled(ready)
        for action in (self.edit_patient_action, self.save_action, self.print_action,
                       self.print_sheet_action, self.print_plan_action, self.print_report_action,
                       self.print_evaluation_action):
            action.setEnabled(has_patient)
        # Greyed, with the reason, for roles that may not register or edit patients (the
        # service refuses anyway); ctx.can is cached, so this costs nothing per update.
        if self.ctx is not None and not self.ctx.can("edit_patient"):
            from ptdesk.services.permissions import refusal

            for action in (self.new_patient_action, self.edit_patient_action):
                action.setEnabled(False)
                action.setToolTip(refusal(self.ctx.role or "", "edit_patient"))

    def print_handout(self, kind: str) -> None:
        """Print "exercises", "runplan" or "progress" through the tab that declares it."""
        if self.chart is None or self.chart.patient_id is None or self.ctx is None:
            return
        tab = self.chart.tab_printing(kind)
        if tab is not None:
            tab.print_handout()

    # ---- slots ----------------------------------------------------------------------------

    def _on_find_action_triggered(self) -> None:
        sizes = self.splitter.sizes()
        if sizes and sizes[0] == 0:  # the list was collapsed: bring it back, never type blind
            width = LIST_WIDTH if self.width() >= NARROW_WINDOW else NARROW_LIST_WIDTH
            self.splitter.setSizes([width, max(sum(sizes) - width, 0)])
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_about_action_triggered(self) -> None:
        from ptdesk.ui.desktop.desktop_shell import show_about

        show_about(self)  # version, database, schema version, licences

    def _on_new_patient_action_triggered(self) -> None:
        from ptdesk.ui.patients.patient_dialog import PatientDialog

        dialog = PatientDialog(self.ctx, parent=self)  # type: ignore[arg-type]  # enabled once attached
        if dialog.exec() and dialog.patient_id is not None and self.model is not None:
            # Search for the new MRN so the patient is visible and selected in the list.
            self.search_edit.setText(dialog.line("mrn").text().strip().upper())
            self.model.set_search(self.search_edit.text())
            self.open_patient(dialog.patient_id)
            self.statusBar().showMessage("Patient registered.", STATUS_TIMEOUT_MS)

    def _on_edit_patient_action_triggered(self) -> None:
        from ptdesk.ui.patients.patient_dialog import PatientDialog

        if self.ctx is None or self.chart is None or self.chart.patient_id is None:
            return
        dialog = PatientDialog(self.ctx, self.chart.patient_id, parent=self)
        if dialog.exec():
            self.statusBar().showMessage("Patient details saved.", STATUS_TIMEOUT_MS)

    def _on_settings_action_triggered(self) -> None:
        from ptdesk.ui.admin.settings_dialog import SettingsDialog

        if self.ctx is not None:
            SettingsDialog(self.ctx, parent=self).exec()

    def _on_save_action_triggered(self) -> None:
        if self.chart is None or self.chart.patient_id is None:
            return
        if self.chart.save():
            self.statusBar().showMessage("Saved.", STATUS_TIMEOUT_MS)
        else:
            self.statusBar().showMessage("Not saved: see the messages next to the fields.",
                                         STATUS_TIMEOUT_MS)

    def _on_print_action_triggered(self) -> None:
        """Ctrl+P: a menu of the printouts; the one of the tab in front is pre-selected."""
        if self.chart is None or self.chart.patient_id is None:
            return
        kind = self.chart.print_kind_shown() or next(iter(self.print_menu_actions))
        button = self.toolbar.widgetForAction(self.print_action)
        where = (button.mapToGlobal(QPoint(0, button.height())) if button is not None
                 and button.isVisible() else self.mapToGlobal(self.rect().center()))
        self.print_menu.setActiveAction(self.print_menu_actions[kind])
        self.print_menu.popup(where, self.print_menu_actions[kind])

    def _on_search_edit_text_edited(self, text: str) -> None:
        if self.model is not None:
            self.model.search_later(text)

    def _on_search_edit_return_pressed(self) -> None:
        if self.model is None:
            return
        self.model.flush_pending_search()
        patient_id = self.model.patient_id(max(self.patient_view.currentIndex().row(), 0))
        if patient_id is not None:  # no match: keep the chart that is open
            self.open_patient(patient_id)

    def _on_patient_view_activated(self, index: QModelIndex) -> None:
        if self.model is not None and index.isValid():
            self.open_patient(self.model.patient_id(index.row()))

    def _on_model_total_changed(self, total: int) -> None:
        text = self.model.search_text if self.model is not None else ""
        noun = "patient" if total == 1 else "patients"
        self.count_label.setText(f"{total:,} {noun} match" if text else f"{total:,} {noun}")

    def _on_model_search_applied(self, _text: str) -> None:
        self.count_label.setText("Counting…")
        self._fit_mrn_column()
        self._select_in_list(self.chart.patient_id if self.chart is not None else None)

    def _on_signals_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    def _on_signals_patient_changed(self, _patient_id: int) -> None:
        if self.model is not None:
            self.model.refresh()

    # ---- Qt overrides ---------------------------------------------------------------------

    def _fit_mrn_column(self) -> None:
        """Widen the MRN column to the longest MRN shown, so an MRN is never cut short.

        An identifier shown as "SYN-1-00…" could be mistaken for another patient's; names
        may elide instead. Only the loaded page is looked at (one text measured), and the
        column never grows past MRN_MAX_CHARS characters.
        """
        model = self.model
        if model is None:
            return
        mrns = [p.mrn for row in range(model.rowCount())
                if (p := model.patient_at(row)) is not None]
        if not mrns:
            return
        fm = self.patient_view.fontMetrics()
        longest = max(mrns, key=len)[:MRN_MAX_CHARS]
        wanted = max(fm.horizontalAdvance(longest), fm.horizontalAdvance("DEMO-0000")) + 10
        header = self.patient_view.horizontalHeader()
        if wanted > header.sectionSize(0):
            header.resizeSection(0, wanted)

    def _fit_list_columns(self) -> None:
        """A narrow list shows whole names rather than birth dates (the chart header has it)."""
        if self.model is not None:
            self.patient_view.setColumnHidden(2, self.patient_view.width() < BORN_FROM)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.patient_view and event.type() == QEvent.Type.Resize:
            self._fit_list_columns()
            return False
        # Down arrow in the search box moves into the list, so search → arrows → Enter works.
        if (watched is self.search_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
                and self.model is not None):
            self.model.flush_pending_search()
            self.patient_view.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.model.rowCount() and not self.patient_view.currentIndex().isValid():
                self.patient_view.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    # The daily backup offer on close (ptdesk.ui.admin.backup_on_close); the app turns it on,
    # a bare window (tests, embedding) closes without it.
    offer_backup_on_close = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.chart is not None and not self._confirm_close():
            event.ignore()
            return
        if self.ctx is not None and self.offer_backup_on_close:
            from ptdesk.ui.admin.backup_on_close import allow_close

            if not allow_close(self, self.ctx):  # the offer closes the window once answered
                event.ignore()
                return
        if self.watcher is not None:
            self.watcher.stop()
        self.save_layout()
        event.accept()

    def _confirm_close(self) -> bool:
        """Drafts are saved first; unsaved chart edits are never dropped without asking."""
        assert self.chart is not None
        self.chart.flush_draft()
        if not self.chart.has_unsaved_changes():
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self, "Unsaved changes",
            "This chart has changes that are not saved yet.\n\nSave them before closing?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Save:
            return self.chart.save_all()
        if answer == buttons.Discard:
            self.chart.discard_changes()
            return True
        return False
