"""Every fixed phrase a patient handout prints, per handout language, in one table.

English is the reference: each language has exactly the same keys (a test checks
it). The Spanish is written for patients (usted, short words, short sentences),
not translated word for word. Exercise texts do not live here: they sit beside
the English in each library file (`ptdesk.domain.exercise_texts`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ptdesk.domain.exercise_values import Dosage

ENGLISH = "en"
SPANISH = "es"
HANDOUT_LANGUAGES: tuple[str, ...] = (ENGLISH, SPANISH)
# How a clinician picks the language (in the language itself, as patients say it).
LANGUAGE_NAMES: dict[str, str] = {ENGLISH: "English", SPANISH: "Español"}

PHRASES: dict[str, dict[str, str]] = {
    ENGLISH: {
        # --- exercise sheet: title block
        "sheet.doc_title": "Home exercises",
        "sheet.title": "Your home exercises",
        "sheet.for": "For",
        "sheet.from": "From your therapist",
        "sheet.date": "Date",
        "sheet.intro": (
            "Do these exercises the way your therapist showed you. Move slowly and keep "
            "breathing. Each day you do an exercise, put a tick in its box. Bring this sheet "
            "to your next visit."
        ),
        "sheet.clinician": "Your physical therapist",
        # --- stop and call
        "stop.title": "Stop and call us if…",
        "stop.call": "Call {clinic}",
        "stop.call_at": "Call {clinic} at {phone}",
        "stop.1": "You feel a sharp or stabbing pain during an exercise.",
        "stop.2": "Your knee, ankle or hip swells up or feels hot.",
        "stop.3": "Your knee or ankle gives way or locks.",
        "stop.4": "The pain is worse the next morning and does not settle.",
        "stop.5": "You get numbness, tingling or pins and needles in your leg or foot.",
        "stop.6": "You have to limp to walk.",
        # --- pain traffic light (run plan and exercise sheet share the words)
        "pain.title": "Check your pain during exercise and the next morning",
        "pain.word.green": "GO",
        "pain.word.amber": "HOLD",
        "pain.word.red": "STOP",
        "pain.exercise.green": "Keep going",
        "pain.exercise.amber": "Ease off",
        "pain.exercise.red": "Stop and call",
        "pain.run.green": "Keep going",
        "pain.run.amber": "Repeat the week",
        "pain.run.red": "Go back and call",
        "pain.range": "{low} to {high} out of 10",
        "pain.point": "{low} out of 10",
        "pain.line.green": "Pain {range} while you exercise, and no worse the next morning. "
                           "This is fine. Keep going.",
        "pain.line.amber": "Pain {range}: do fewer, go slower or make the move smaller. Stay "
                           "at this level until it settles.",
        "pain.line.red": "Pain above {high} out of 10, pain worse the next morning, swelling "
                         "or a limp: stop the exercise that hurts. Call the clinic.",
        # --- one exercise card
        "card.tick": "Tick when done",
        "card.how_much": "How much:",
        "card.side": "Side:",
        "card.metronome": "Metronome:",
        "card.beats": "{n} beats a minute",
        "card.take_care": "Take care",
        "card.note": "Note from your therapist:",
        "card.next_step": "Next step, when your therapist says: ",
        "card.number": "(number {n} on this sheet)",
        # --- summary page
        "summary.title": "Your exercises at a glance",
        "summary.exercise": "Exercise",
        "summary.how_much": "How much",
        "summary.side": "Side",
        "summary.when": "When",
        # --- side of the body, as a card's label and inside the dosage words
        "side.left.leg": "Left leg",
        "side.right.leg": "Right leg",
        "side.both.leg": "Both legs together",
        "side.each.leg": "Each leg",
        "side.left.side": "Left side",
        "side.right.side": "Right side",
        "side.both.side": "Both sides",
        "side.each.side": "Each side",
        "dose.left.leg": "left leg",
        "dose.right.leg": "right leg",
        "dose.both.leg": "both legs",
        "dose.each.leg": "each leg",
        "dose.left.side": "left side",
        "dose.right.side": "right side",
        "dose.both.side": "both sides",
        "dose.each.side": "each side",
        # --- dosage words: "3 sets of 15, each leg, once a day"
        "unit.set": "set", "unit.sets": "sets",
        "unit.time": "time", "unit.times": "times",
        "unit.second": "second", "unit.seconds": "seconds",
        "unit.minute": "minute", "unit.minutes": "minutes",
        "dose.rounds": "{sets} rounds of {amount}",
        "dose.sets_of": "{sets} of {reps}",
        "dose.holding": "{amount}, holding each for {hold}",
        "dose.hold": "Hold {hold}, {times}",
        "dose.once": "once", "dose.twice": "twice", "dose.n_times": "{n} times",
        "dose.per_day": "{times} a day",
        "dose.every_day": "every day",
        "dose.once_a_week": "once a week",
        "dose.days_a_week": "{n} days a week",
        # --- page frame
        "page.number": "Page {n} of {total}",
        "page.phone": "Phone: {phone}",
        # --- run plan (its PDF takes these when it learns Spanish)
        "run.doc_title": "Return-to-run plan",
        "run.title": "Your return-to-run plan",
        "run.printed": "Printed {date}",
        "run.span": "{start} to {end}",
        "run.week": "Week {n}",
        "run.rest": "Rest",
        "run.walk": "Walk",
        "run.run": "Run",
        "run.cadence": "Aim for about {n} steps a minute.",
    },
    SPANISH: {
        "sheet.doc_title": "Ejercicios en casa",
        "sheet.title": "Sus ejercicios en casa",
        "sheet.for": "Para",
        "sheet.from": "De su terapeuta",
        "sheet.date": "Fecha",
        "sheet.intro": (
            "Haga los ejercicios como le enseñó su terapeuta. Muévase lento y no deje de "
            "respirar. Cada día que haga un ejercicio, marque su casilla. Traiga esta hoja a "
            "su próxima cita."
        ),
        "sheet.clinician": "Su fisioterapeuta",
        "stop.title": "Pare y llámenos si…",
        "stop.call": "Llame a {clinic}",
        "stop.call_at": "Llame a {clinic} al {phone}",
        "stop.1": "Siente un dolor fuerte, como un pinchazo, en un ejercicio.",
        "stop.2": "La rodilla, el tobillo o la cadera se hincha o se pone caliente.",
        "stop.3": "La rodilla o el tobillo le falla o se traba.",
        "stop.4": "El dolor es peor a la mañana siguiente y no se calma.",
        "stop.5": "Siente la pierna o el pie dormido, o con hormigueo.",
        "stop.6": "Tiene que cojear para caminar.",
        "pain.title": "Fíjese en su dolor en el ejercicio y a la mañana siguiente",
        "pain.word.green": "SIGA",
        "pain.word.amber": "ESPERE",
        "pain.word.red": "PARE",
        "pain.exercise.green": "Siga así",
        "pain.exercise.amber": "Vaya más suave",
        "pain.exercise.red": "Pare y llame",
        "pain.run.green": "Siga así",
        "pain.run.amber": "Repita la semana",
        "pain.run.red": "Vuelva atrás y llame",
        "pain.range": "{low} a {high} de 10",
        "pain.point": "{low} de 10",
        "pain.line.green": "Dolor de {range} al hacer el ejercicio, y no peor a la mañana "
                           "siguiente: está bien. Siga así.",
        "pain.line.amber": "Dolor de {range}: haga menos, vaya más lento o haga el "
                           "movimiento más corto. No suba de nivel hasta que se calme.",
        "pain.line.red": "Dolor de más de {high} de 10, dolor peor a la mañana siguiente, "
                         "hinchazón o cojera: pare el ejercicio que duele y llame a la clínica.",
        "card.tick": "Marque al hacerlo",
        "card.how_much": "Cuánto:",
        "card.side": "Lado:",
        "card.metronome": "Metrónomo:",
        "card.beats": "{n} golpes por minuto",
        "card.take_care": "Cuidado",
        "card.note": "Nota de su terapeuta:",
        "card.next_step": "El paso que sigue, cuando su terapeuta lo diga: ",
        "card.number": "(número {n} en esta hoja)",
        "summary.title": "Sus ejercicios de un vistazo",
        "summary.exercise": "Ejercicio",
        "summary.how_much": "Cuánto",
        "summary.side": "Lado",
        "summary.when": "Cuándo",
        "side.left.leg": "Pierna izquierda",
        "side.right.leg": "Pierna derecha",
        "side.both.leg": "Ambas piernas juntas",
        "side.each.leg": "Cada pierna",
        "side.left.side": "Lado izquierdo",
        "side.right.side": "Lado derecho",
        "side.both.side": "Ambos lados",
        "side.each.side": "Cada lado",
        "dose.left.leg": "pierna izquierda",
        "dose.right.leg": "pierna derecha",
        "dose.both.leg": "ambas piernas",
        "dose.each.leg": "cada pierna",
        "dose.left.side": "lado izquierdo",
        "dose.right.side": "lado derecho",
        "dose.both.side": "ambos lados",
        "dose.each.side": "cada lado",
        "unit.set": "serie", "unit.sets": "series",
        "unit.time": "vez", "unit.times": "veces",
        "unit.second": "segundo", "unit.seconds": "segundos",
        "unit.minute": "minuto", "unit.minutes": "minutos",
        "dose.rounds": "{sets} rondas de {amount}",
        "dose.sets_of": "{sets} de {reps}",
        "dose.holding": "{amount}, aguante cada una {hold}",
        "dose.hold": "Aguante {hold}, {times}",
        "dose.once": "1 vez", "dose.twice": "2 veces", "dose.n_times": "{n} veces",
        "dose.per_day": "{times} al día",
        "dose.every_day": "todos los días",
        "dose.once_a_week": "1 vez por semana",
        "dose.days_a_week": "{n} días por semana",
        "page.number": "Página {n} de {total}",
        "page.phone": "Tel.: {phone}",
        "run.doc_title": "Plan para volver a correr",
        "run.title": "Su plan para volver a correr",
        "run.printed": "Impreso el {date}",
        "run.span": "Del {start} al {end}",
        "run.week": "Semana {n}",
        "run.rest": "Descanso",
        "run.walk": "Camine",
        "run.run": "Corra",
        "run.cadence": "Trate de dar unos {n} pasos por minuto.",
    },
}

# Tick-grid heads, Monday first, two letters so seven fit over 6.6 mm boxes.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    ENGLISH: ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"),
    SPANISH: ("Lu", "Ma", "Mi", "Ju", "Vi", "Sá", "Do"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    ENGLISH: ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"),
    SPANISH: ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"),
}
# The Stop-and-call list, in print order.
STOP_KEYS: tuple[str, ...] = tuple(f"stop.{n}" for n in range(1, 7))


def check_language(language: str) -> str:
    """`language` when handouts print in it; anything else is a programming error."""
    if language not in PHRASES:
        raise ValueError(f"Unknown handout language {language!r}; use one of "
                         f"{', '.join(HANDOUT_LANGUAGES)}.")
    return language


def phrase(language: str, key: str, **values: object) -> str:
    """The fixed phrase `key` in `language`, with `{placeholders}` filled from `values`."""
    words = PHRASES[check_language(language)][key]
    return words.format(**values) if values else words


def stop_and_call(language: str) -> tuple[str, ...]:
    """The warning signs that mean stop and call the clinic, in `language`."""
    return tuple(phrase(language, key) for key in STOP_KEYS)


def long_date(day: dt.date, language: str = ENGLISH) -> str:
    """A date nobody can misread: 'March 4, 2025' or '4 de marzo de 2025'."""
    month = MONTHS[check_language(language)][day.month - 1]
    if language == SPANISH:
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"


# --- dosage words -------------------------------------------------------------------------
# The same sentence shapes as `exercise_values.dosage_in_words` (a test holds the English
# equal to it), with every word from the table above.


def _count(language: str, n: int, unit: str) -> str:
    return f"{n} {phrase(language, f'unit.{unit}' if n == 1 else f'unit.{unit}s')}"


def _seconds(language: str, seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return _count(language, seconds // 60, "minute")
    return _count(language, seconds, "second")


def _times(language: str, n: int) -> str:
    if n in (1, 2):
        return phrase(language, "dose.once" if n == 1 else "dose.twice")
    return phrase(language, "dose.n_times", n=n)


def amount_words(dosage: Dosage, language: str = ENGLISH) -> str:
    """How much, e.g. "3 sets of 10" / "3 series de 10" (no side, no frequency)."""
    if dosage.minutes > 0:
        amount = _count(language, dosage.minutes, "minute")
        return amount if dosage.sets == 1 else phrase(language, "dose.rounds",
                                                      sets=dosage.sets, amount=amount)
    if dosage.reps > 0:
        amount = (_count(language, dosage.reps, "time") if dosage.sets == 1 else
                  phrase(language, "dose.sets_of", sets=_count(language, dosage.sets, "set"),
                         reps=dosage.reps))
        if dosage.hold_seconds > 0:
            amount = phrase(language, "dose.holding", amount=amount,
                            hold=_seconds(language, dosage.hold_seconds))
        return amount
    return phrase(language, "dose.hold", hold=_seconds(language, dosage.hold_seconds),
                  times=_times(language, dosage.sets))


def frequency_words(dosage: Dosage, language: str = ENGLISH) -> str:
    """How often, e.g. "once a day" / "1 vez al día", "3 days a week"."""
    if dosage.per_day > 0:
        return phrase(language, "dose.per_day", times=_times(language, dosage.per_day))
    if dosage.per_week >= 7:
        return phrase(language, "dose.every_day")
    if dosage.per_week == 1:
        return phrase(language, "dose.once_a_week")
    return phrase(language, "dose.days_a_week", n=dosage.per_week)


def side_words(side: str, limb: str, language: str = ENGLISH) -> str:
    """The side inside the dosage words ("each leg"); "" for drills (no `limb`)."""
    if not limb or side not in ("left", "right", "both", "each"):
        return ""
    return phrase(language, f"dose.{side}.{limb}")


def side_label(side: str, limb: str, language: str = ENGLISH) -> str:
    """The side as the card's label and the summary's column ("Each leg"); "" when none."""
    if not limb or side not in ("left", "right", "both", "each"):
        return ""
    return phrase(language, f"side.{side}.{limb}")


def dosage_words(dosage: Dosage, side: str, *, limb: str = "leg",
                 language: str = ENGLISH) -> str:
    """The whole dose for a handout: "3 sets of 15, each leg, once a day"."""
    parts = [amount_words(dosage, language), side_words(side, limb, language),
             frequency_words(dosage, language)]
    return ", ".join(part for part in parts if part)
