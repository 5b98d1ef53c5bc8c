"""The "what kind of care?" chooser: its questions, and the rules from answers to a suggested search.

Seven plain questions at most, one per screen (``SCREENS``), and ``suggest()``, a pure function from the
answers to the levels of care, medications and search filters a family would otherwise have to work out
from the guide pages. The rules follow the dimensions of the ASAM Criteria in the simplest words: danger now
first, then withdrawal risk, the substance (opioids: medication), the recovery environment (a safe home:
outpatient care; if not, residential), what daily life needs, who the person is and how they will pay.

Privacy: no answer is stored or logged. Each screen is a POST form (with Django's CSRF token) that carries
the earlier answers forward in hidden fields, so answers never enter a URL: not the address bar, browser
history, a shared link, a Referer header or any access log (runserver logs query strings; gunicorn's log
omits them, but a proxy might not). Nothing is written to the database, the session, the cache or a log,
and nothing is sent to analytics or the search-gap counter; every screen is sent with ``Cache-Control:
no-store``, so a shared computer's browser cache keeps no copy. The price: the browser's own Back button
after a POST shows its "resubmit the form?" notice, so every screen has its own Back button, and the
result has a "Change" button for each answer. Only the final search, when the family presses Search, is
an ordinary search (a GET with the filters, like any search typed by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.vocabulary import Age, LevelOfCare, Medication, Payment, Population

YES, NO, NOT_SURE = "yes", "no", "not-sure"

# The substances whose withdrawal can be dangerous (alcohol, benzodiazepines) or that need medication
# (opioids); "something else or not sure" is asked about too, to be safe.
ALCOHOL, BENZODIAZEPINES, OPIOIDS, STIMULANTS, OTHER = "alcohol", "benzodiazepines", "opioids", "stimulants", "other"
WITHDRAWAL_RISK = {ALCOHOL, BENZODIAZEPINES, OPIOIDS, OTHER}
PREGNANT, TEEN, VETERAN, NONE = "pregnant", "teen", "veteran", "none"


class Question(forms.Form):
    """Every question as a form field; a screen asks one. All optional here: ``ChooserForm`` decides what is due."""

    danger = forms.ChoiceField(
        label=_("Is anyone in danger right now?"),
        help_text=_("For example an overdose, passing out, or thoughts of suicide or of hurting someone."),
        choices=[(YES, _("Yes, or I’m not sure")), (NO, _("No, no one is in danger right now"))],
        widget=forms.RadioSelect,
        required=False,
    )
    substances = forms.MultipleChoiceField(
        label=_("What do they use?"),
        help_text=_("Pick all that apply."),
        choices=[
            (ALCOHOL, _("Alcohol (beer, wine or liquor)")),
            (BENZODIAZEPINES, _("Benzodiazepines (“benzos” like Xanax, Klonopin or Valium)")),
            (OPIOIDS, _("Opioids (heroin, fentanyl, or pain pills like oxycodone)")),
            (STIMULANTS, _("Meth, cocaine or other stimulants")),
            (OTHER, _("Something else, or I’m not sure")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    withdrawal = forms.ChoiceField(
        label=_("Do they drink or use every day, or get very sick when they stop?"),
        help_text=_("Very sick means shaking, sweating, seeing things, or a seizure."),
        choices=[(YES, _("Yes")), (NO, _("No")), (NOT_SURE, _("I’m not sure"))],
        widget=forms.RadioSelect,
        required=False,
    )
    home = forms.ChoiceField(
        label=_("Do they have a safe, stable place to live, with people who support their recovery?"),
        help_text=_("A home without heavy drinking or drug use, where they can sleep every night."),
        choices=[(YES, _("Yes")), (NO, _("No")), (NOT_SURE, _("I’m not sure"))],
        widget=forms.RadioSelect,
        required=False,
    )
    work = forms.ChoiceField(
        label=_("Do they need to keep working, go to school or care for family during treatment?"),
        choices=[(YES, _("Yes")), (NO, _("No, they can take time away"))],
        widget=forms.RadioSelect,
        required=False,
    )
    people = forms.MultipleChoiceField(
        label=_("Is the person any of these?"),
        help_text=_("Some programs are made for them. Pick all that apply."),
        choices=[
            (PREGNANT, _("Pregnant")),
            (TEEN, _("A teen (under 18)")),
            (VETERAN, _("A veteran")),
            (NONE, _("None of these")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pay = forms.ChoiceField(
        label=_("How will they pay for treatment?"),
        help_text=_("Pick the main way. You can change this in the search later."),
        choices=[
            # The search's own words where they are plain enough (one label, written once: tests/test_search_flags.py).
            (Payment.MEDICAID.value, Payment.MEDICAID.label),
            (Payment.MEDICARE.value, Payment.MEDICARE.label),
            (Payment.PRIVATE_INSURANCE.value, _("Health insurance from work or bought themselves")),
            (Payment.MILITARY.value, Payment.MILITARY.label),
            ("low-income", _("No insurance, and money is tight")),
            (Payment.SELF_PAY.value, _("They will pay themselves (cash or card)")),
            (NOT_SURE, _("I’m not sure")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_people(self):
        people = self.cleaned_data["people"]
        if NONE in people and len(people) > 1:
            raise forms.ValidationError(_("Pick “None of these” on its own, or leave it out."), code="none_and_some")
        return people


# Our own words for a value that is not one of the choices (a tampered form): Django's would repeat the value.
for question in Question.base_fields.values():
    question.error_messages["invalid_choice"] = _("That answer is not one of the choices. Please choose again.")

QUESTIONS = tuple(Question.base_fields)
# The crisis screen is not a question: after "yes, someone is in danger" it shows 911 and 988 before anything else.
CRISIS = "crisis"


def screens(answers: dict) -> list[str]:
    """The screens asked, in order, for these answers (the withdrawal question only matters for some substances)."""
    shown = ["danger"]
    if answers.get("danger") == YES:
        shown.append(CRISIS)
    shown.append("substances")
    substances = set(answers.get("substances") or ())
    if not substances or substances & WITHDRAWAL_RISK:
        shown.append("withdrawal")
    return [*shown, "home", "work", "people", "pay"]


# How they will pay -> the payment filter. "No insurance, and money is tight": places that charge by income,
# treat for free or help pay. "Not sure": no payment filter.
PAYMENTS = {
    **{payment.value: (payment,) for payment in (Payment.MEDICAID, Payment.MEDICARE, Payment.PRIVATE_INSURANCE)},
    **{payment.value: (payment,) for payment in (Payment.MILITARY, Payment.SELF_PAY)},
    "low-income": (Payment.SLIDING_SCALE, Payment.FREE, Payment.PAYMENT_ASSISTANCE),
    NOT_SURE: (),
}

# Why each level or medicine is suggested, in one plain sentence each.
REASONS = {
    "withdrawal": _(
        "Withdrawal from alcohol, benzodiazepines or opioids after daily use can be dangerous: "
        "medical detox keeps the person safe while it passes."
    ),
    "opioids": _(
        "For opioids, medication (buprenorphine, methadone or naltrexone) eases cravings and withdrawal "
        "and lowers the risk of dying from an overdose."
    ),
    "home": _("With a safe, stable home, treatment can happen while they live there."),
    "no-home": _("Without a safe, stable home, living at a treatment center for a while gives structure and support."),
    "unsure-home": _(
        "If you are not sure about home, a program can help decide between staying at a treatment center "
        "and going to sessions from home."
    ),
    "work": _(
        "Many intensive outpatient programs meet in the evening, and telehealth (video or phone visits) "
        "fits treatment around work, school or family."
    ),
}


@dataclass(frozen=True)
class Suggestion:
    """What the answers point to: levels of care, medications and the filters of the search that finds them."""

    danger: bool
    levels: tuple[LevelOfCare, ...]
    medications: tuple[Medication, ...] = ()
    populations: tuple[Population, ...] = ()
    ages: tuple[Age, ...] = ()
    payments: tuple[Payment, ...] = ()
    # Offered, not ticked: telehealth is a filter every result must pass, and few listings say they offer it (none
    # in SAMHSA's 2015 national file), so a pre-ticked box would leave a working parent with nothing to call.
    telehealth: bool = False
    reasons: tuple[str, ...] = field(default=(), compare=False)

    def search_parameters(self) -> list[tuple[str, str]]:
        """The public search's parameters (FacilityFilter's names) for these filters; the place is the family's."""
        parameters = [("level", level.value) for level in self.levels]
        parameters += [("medication", medication.value) for medication in self.medications]
        parameters += [("payment", payment.value) for payment in self.payments]
        parameters += [("population", population.value) for population in self.populations]
        parameters += [("age", age.value) for age in self.ages]
        return parameters


def suggest(answers: dict) -> Suggestion:
    """The suggestion for a complete set of answers (cleaned values; answers to screens not asked are ignored)."""
    asked = screens(answers)
    substances = set(answers.get("substances") or ())
    levels, reasons = [], []
    if "withdrawal" in asked and answers.get("withdrawal") in (YES, NOT_SURE):
        levels.append(LevelOfCare.MEDICAL_DETOX)
        reasons.append(REASONS["withdrawal"])
    medications = ()
    if OPIOIDS in substances:
        levels.append(LevelOfCare.OPIOID_TREATMENT_PROGRAM)
        medications = (Medication.BUPRENORPHINE, Medication.METHADONE, Medication.NALTREXONE)
        reasons.append(REASONS["opioids"])
    home = answers.get("home")
    if home == YES:
        levels += [LevelOfCare.INTENSIVE_OUTPATIENT, LevelOfCare.OUTPATIENT]
        reasons.append(REASONS["home"])
    elif home == NO:
        levels += [LevelOfCare.RESIDENTIAL_SHORT_TERM, LevelOfCare.RESIDENTIAL_LONG_TERM]
        reasons.append(REASONS["no-home"])
    else:
        levels += [LevelOfCare.RESIDENTIAL_SHORT_TERM, LevelOfCare.INTENSIVE_OUTPATIENT]
        reasons.append(REASONS["unsure-home"])
    working = answers.get("work") == YES
    if working:
        levels.append(LevelOfCare.INTENSIVE_OUTPATIENT)  # in the evening
        reasons.append(REASONS["work"])
    people = set(answers.get("people") or ())
    populations = tuple(
        population
        for wanted, population in ((PREGNANT, Population.PREGNANT), (VETERAN, Population.VETERANS))
        if wanted in people
    )
    return Suggestion(
        danger=answers.get("danger") == YES,
        levels=tuple(dict.fromkeys(levels)),  # in order, once each
        medications=medications,
        populations=populations,
        ages=(Age.CHILDREN,) if TEEN in people else (),
        payments=PAYMENTS.get(answers.get("pay"), ()),
        telehealth=working,
        reasons=tuple(reasons),
    )


RESULT = "result"


@dataclass(frozen=True)
class Step:
    """The screen to show next, the answers carried on it, and what went wrong (a message and a 400) if anything."""

    screen: str  # a question's name, CRISIS or RESULT
    answers: dict
    error: str = ""
    status: int = 200
    resume: bool = False  # changing one answer from the result: back to the result once all are answered

    @property
    def number(self) -> int:
        """This question's number among the questions asked (the crisis screen is not one)."""
        return [screen for screen in screens(self.answers) if screen in QUESTIONS].index(self.screen) + 1

    @property
    def total(self) -> int:
        return len([screen for screen in screens(self.answers) if screen in QUESTIONS])


def first_step() -> Step:
    return Step(QUESTIONS[0], {})


def step_after(data) -> Step:
    """The screen that follows a posted one: ``step`` (the screen answered), its answer and the earlier ones
    in hidden fields, and the button pressed (``go=next``, ``go=back`` or ``change=<question>``).

    Answers are only ever read from the form's cleaned data: a tampered or unknown value is never carried on.
    """
    form = Question(data)
    form.is_valid()
    answers = {name: value for name, value in form.cleaned_data.items() if value not in ("", [])}
    sequence = screens(answers)
    step, resume = data.get("step"), data.get("resume") == "1"
    missing = [screen for screen in sequence if screen in QUESTIONS and screen not in answers]

    def ask_again(screen: str, message: str = "") -> Step:
        error = " ".join(form.errors.get(screen, ())) or message or gettext("Please choose an answer.")
        return Step(screen, answers, error, 400, resume)

    if step not in sequence:
        return ask_again(missing[0] if missing else sequence[0], gettext("Please answer this question."))
    position = sequence.index(step)
    earlier_missing = [screen for screen in missing if sequence.index(screen) < position]
    if earlier_missing:
        return ask_again(earlier_missing[0])
    if "change" in data:
        if data["change"] in QUESTIONS and data["change"] in sequence:
            return Step(data["change"], answers, resume=True)
        return ask_again(step, gettext("That question can't be changed here. Please answer this one."))
    if data.get("go") == "back":
        return Step(sequence[max(position - 1, 0)], answers, resume=resume)
    if step in missing:
        return ask_again(step)
    following = sequence[position + 1 :]
    if following and following[0] == CRISIS:
        return Step(CRISIS, answers, resume=resume)  # danger first, whatever else was answered
    if not following or (resume and not missing):
        return Step(RESULT, answers)
    return Step(following[0], answers, resume=resume)
