"""Every fixed phrase a patient handout prints, per handout language, in one table.

English is the reference: each language has exactly the same keys (a test checks
it). The Spanish is written for patients (usted, short words, short sentences),
not translated word for word. Exercise texts do not live here: they sit beside
the English in each library file (`ptdesk.domain.exercise_texts`).
"""

from __future__ import annotations

import datetime as dt

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
        # --- run plan (ptdesk/reports/runplan_pdf.py and runplan_words.py)
        "run.doc_title": "Return-to-run plan",
        "run.title": "Your return-to-run plan",
        "run.plan_dates": "Plan dates",
        "run.span": "{start} to {end}",
        "run.printed": "Printed {date}",
        "run.no_goal": "This plan does not reach your goal yet; your therapist will review it "
                       "with you.",
        "run.goal": "You should reach your goal in week {n} (the week of {date})",
        "run.goal_in_time": ", in time for your race. Before the race you run a little less, "
                            "so you are fresh.",
        "run.goal_after_race": ". That is not in time for your race, so talk with your "
                               "therapist about how to run it.",
        "run.goal_end": ".",
        "run.goal_paused": "Your plan is paused. Please contact the clinic before you run again.",
        "run.paused_notice": "<b>Your plan is paused.</b> Do not run for now. Please contact "
                             "the clinic. Your therapist will check your leg and tell you when "
                             "and how to start again.",
        "run.restart_notice": "<b>This plan is a fresh start.</b> Week 1 is the amount your "
                              "therapist chose for you, not what you ran last week.",
        "run.how_title": "How this plan works",
        "run.cap": "Your running grows by no more than {pct}% a week, counted in {measure}. "
                   "Walking does not count.",
        "run.measure_minutes": "running minutes",
        "run.measure_distance": "running distance ({unit})",
        "run.easy_pace": "Run at an easy pace where you can still talk, on flat ground at "
                         "first.",
        "run.rest.race_week": "Rest this week before your race.",
        "run.rest.between": "Run only on the days shown, with a rest day (or easy "
                            "cross-training) between runs.",
        "run.rest.back_to_back": "Run only on the days shown. Rest or do easy cross-training "
                                 "on the other days. Never run two hard days in a row.",
        "run.times_note": "Times are minutes and seconds (1:30 is one and a half minutes). "
                          "Start every session with a {time} walk.",
        "run.race_note": "Your <b>race day</b> is marked in the table. Do not run on other "
                         "days of race week after the race.",
        "run.unit.minutes": "minutes",
        "run.unit.km": "km",
        "run.unit.mi": "miles",
        "run.follow_light": "Follow the traffic light below after every run. It tells you "
                            "whether to go on, repeat a week, or go back.",
        "run.lighter_weeks": "Shaded weeks are <b>lighter weeks</b>: less running, so your "
                             "body can catch up. Then the plan builds again.",
        "run.step_rate": "<b>Step rate:</b> set your metronome to <b>{n} beats per "
                         "minute</b> and take one step on each beat ({n} steps a minute).",
        "run.goal_label": "Goal:",
        "run.pain_title": "Check your pain after each run and the next morning",
        # the traffic light's lines (ptdesk.domain.runplan.describe_pain_rules reads them)
        "run.pain.green": "Pain {range} while running, and no worse the next morning: go on "
                          "to the next week of your plan.",
        "run.pain.amber": "Pain {range} while running, or stiff the next morning but it goes "
                          "away: do this week again. Then go on.",
        "run.pain.red": "Pain above {high} out of 10, worse pain the next morning, swelling, "
                        "or limping: stop and go back one week. Call the clinic. If this "
                        "happens two weeks in a row, stop running and call us.",
        "run.race_day": "RACE DAY",
        "run.race_text": "Race day! Enjoy your race. No other run today.",
        "run.paused_week": "Paused: no running this week.",
        "run.whole_session": " (whole session {time})",
        "run.nonstop": "Run {run} without stopping (whole session {time})",
        "run.table_title": "Your week-by-week plan",
        "run.easier_week": "easier week",
        "run.evidence": (
            "<b>Why we build up slowly.</b> Studies of runners (Buist 2008, Nielsen 2014) found "
            "that building up slowly does not, on its own, stop every injury. But some knee "
            "problems, such as pain around the kneecap or on the outside of the knee, were more "
            "common when runners added more than 30% to their running in two weeks. This plan "
            "stays well below that."
        ),
        "run.log_title": "Your running log",
        "run.log_intro": "After each run, write what you did and your pain during the run (0 "
                         "= none, 10 = worst). The next morning, circle how it feels compared "
                         "with before.",
        "run.log_covers": " This log covers weeks {first} to {last}. Bring it to your next "
                          "visit and we will give you the next pages.",
        "run.intervals": "Run {run}, walk {walk} × {n}",
        "run.then_run": ", then run {run}",
        "run.easy_run": "Easy run {amount}",
        "run.longer_run": "Longer easy run {amount}",
        "run.week": "Week",
        "run.dates": "Dates",
        "run.your_runs": "Your runs",
        "run.weekly": "Weekly running",
        "run.lighter_week": "lighter week",
        "run.logged": "logged",
        "run.log_date": "Date",
        "run.log_ran": "What I ran",
        "run.log_pain": "Pain during (0–10)",
        "run.log_morning": "Next morning (circle one)",
        "run.log_choices": "better · same\nstiff, then OK · worse",
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
        "run.plan_dates": "Fechas del plan",
        "run.span": "Del {start} al {end}",
        "run.printed": "Impreso el {date}",
        "run.no_goal": "Este plan aún no llega a su meta. Su terapeuta lo verá con usted.",
        "run.goal": "Debe llegar a su meta en la semana {n} (la semana del {date})",
        "run.goal_in_time": ", a tiempo para su carrera. Antes de la carrera corre un poco "
                            "menos, para llegar con fuerzas.",
        "run.goal_after_race": ". Eso es después de su carrera. Hable con su terapeuta de "
                               "cómo correrla.",
        "run.goal_end": ".",
        "run.goal_paused": "Su plan está en pausa. Llame a la clínica antes de volver a correr.",
        "run.paused_notice": "<b>Su plan está en pausa.</b> No corra por ahora. Llame a la "
                             "clínica. Su terapeuta le va a ver la pierna y le dirá cuándo y "
                             "cómo volver a empezar.",
        "run.restart_notice": "<b>Este plan empieza de nuevo.</b> La semana 1 es lo que su "
                              "terapeuta eligió para usted, no lo que corrió la semana pasada.",
        "run.how_title": "Cómo va este plan",
        "run.cap": "Lo que corre sube un {pct}% por semana o menos, contado en {measure}. "
                   "Lo que camina no cuenta.",
        "run.measure_minutes": "minutos de carrera",
        "run.measure_distance": "distancia de carrera ({unit})",
        "run.easy_pace": "Corra a un paso suave en el que pueda hablar. Al principio, en lo "
                         "plano.",
        "run.rest.race_week": "Esta semana descanse hasta el día de su carrera.",
        "run.rest.between": "Corra solo los días marcados, con un día de descanso (o algo "
                            "suave que no sea correr) entre una carrera y otra.",
        "run.rest.back_to_back": "Corra solo los días marcados. Los otros días, descanse o "
                                 "haga algo suave que no sea correr. No corra fuerte dos días "
                                 "seguidos.",
        "run.times_note": "Los tiempos son minutos y segundos (1:30 es minuto y medio). "
                          "Empiece cada vez con {time} de caminar.",
        "run.race_note": "El <b>día de la carrera</b> está marcado en la tabla. Esa semana, "
                         "no corra otros días después de la carrera.",
        "run.unit.minutes": "minutos",
        "run.unit.km": "km",
        "run.unit.mi": "millas",
        "run.follow_light": "Después de cada carrera, mire el semáforo de abajo. Le dice si "
                            "seguir, repetir la semana o volver atrás.",
        "run.lighter_weeks": "Las semanas en gris son <b>semanas suaves</b>: corre menos para "
                             "que su cuerpo se ponga al día. Luego el plan sube otra vez.",
        "run.step_rate": "<b>Pasos por minuto:</b> ponga el metrónomo en <b>{n} golpes por "
                         "minuto</b> y dé un paso con cada golpe ({n} pasos por minuto).",
        "run.goal_label": "Meta:",
        "run.pain_title": "Fíjese en su dolor al correr y a la mañana siguiente",
        "run.pain.green": "Dolor de {range} al correr, y no peor a la mañana siguiente: pase "
                          "a la semana que sigue en su plan.",
        "run.pain.amber": "Dolor de {range} al correr, o algo rígido a la mañana siguiente "
                          "pero se le pasa: haga esta semana otra vez y luego siga.",
        "run.pain.red": "Dolor de más de {high} de 10, dolor peor a la mañana siguiente, "
                        "hinchazón o cojera: pare y vuelva una semana atrás. Llame a la "
                        "clínica. Si le pasa dos semanas seguidas, deje de correr y llámenos.",
        "run.race_day": "DÍA DE CARRERA",
        "run.race_text": "¡Día de carrera! Disfrute su carrera. Hoy no corra nada más.",
        "run.paused_week": "En pausa: esta semana no corra.",
        "run.whole_session": " (en total {time})",
        "run.nonstop": "Corra {run} sin parar (en total {time})",
        "run.table_title": "Su plan semana a semana",
        "run.easier_week": "semana más fácil",
        "run.evidence": (
            "<b>Por qué subimos poco a poco.</b> Estudios con corredores (Buist 2008, Nielsen "
            "2014) vieron que subir poco a poco no evita, por sí solo, todas las lesiones. Pero "
            "los dolores de rodilla que vienen de correr más, como el dolor en la rótula o por "
            "fuera de la rodilla, se vieron más cuando se corrió un 30% más en dos semanas. "
            "Este plan se queda muy por debajo de eso."
        ),
        "run.log_title": "Su diario de carreras",
        "run.log_intro": "Después de cada carrera, anote lo que hizo y su dolor al correr (0 = "
                         "nada, 10 = el peor). A la mañana siguiente, marque cómo se siente "
                         "comparado con antes.",
        "run.log_covers": " Este diario va de la semana {first} a la {last}. Tráigalo a su "
                          "próxima cita y le daremos las hojas que siguen.",
        "run.intervals": "Corra {run}, camine {walk} × {n}",
        "run.then_run": ", luego corra {run}",
        "run.easy_run": "Carrera suave {amount}",
        "run.longer_run": "Carrera suave más larga {amount}",
        "run.week": "Semana",
        "run.dates": "Fechas",
        "run.your_runs": "Sus carreras",
        "run.weekly": "Total de la semana",
        "run.lighter_week": "semana suave",
        "run.logged": "anotada",
        "run.log_date": "Fecha",
        "run.log_ran": "Lo que corrí",
        "run.log_pain": "Dolor al correr (0–10)",
        "run.log_morning": "A la mañana (marque uno)",
        "run.log_choices": "mejor · igual\nrígido, luego bien · peor",
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
# Short forms for tables (the run plan's "Mon Mar 4" / "lun 4 mar").
WEEKDAYS_SHORT: dict[str, tuple[str, ...]] = {
    ENGLISH: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    SPANISH: ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
MONTHS_SHORT: dict[str, tuple[str, ...]] = {
    ENGLISH: ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec"),
    SPANISH: ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov",
              "dic"),
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



def short_date(day: dt.date, language: str = ENGLISH) -> str:
    """A compact date for tables: 'Mar 4' or '4 mar'."""
    month = MONTHS_SHORT[check_language(language)][day.month - 1]
    return f"{day.day} {month}" if language == SPANISH else f"{month} {day.day}"


def weekday_short(day: dt.date, language: str = ENGLISH) -> str:
    """'Mon' or 'lun'."""
    return WEEKDAYS_SHORT[check_language(language)][day.weekday()]
