"""The chooser's page, /understanding-care/choose/: one screen per request, nothing kept (see centers/chooser.py)."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from centers import chooser, geo
from centers.filters import FacilityFilter
from centers.vocabulary import Age, LevelOfCare, Medication, Payment, Population

FILTER_VALUES = {
    "level": LevelOfCare,
    "medication": Medication,
    "payment": Payment,
    "population": Population,
    "age": Age,
}


@require_http_methods(["GET", "HEAD", "POST"])
def choose(request):
    step = chooser.step_after(request.POST) if request.method == "POST" else chooser.first_step()
    if step.screen == chooser.RESULT:
        response = render(request, "guide/choose_result.html", result_context(step.answers))
    else:
        response = render(request, "guide/choose.html", screen_context(step), status=step.status)
    # Answers are on every screen (in hidden fields): no browser or proxy cache may keep a copy.
    add_never_cache_headers(response)
    return response


def screen_context(step: chooser.Step) -> dict:
    context = {
        "step": step,
        "carried": carried(step.answers, leave_out=step.screen),
        "crisis": step.screen == chooser.CRISIS,
    }
    if step.screen in chooser.QUESTIONS:
        form = chooser.Question(initial={step.screen: step.answers.get(step.screen)})
        context["question"] = form[step.screen]
        context["first"] = step.screen == chooser.QUESTIONS[0]
    return context


def carried(answers: dict, leave_out: str = "") -> list[tuple[str, str]]:
    """The hidden fields that carry cleaned answers forward (never the raw posted text)."""
    fields = []
    for name, value in answers.items():
        if name != leave_out:
            fields += [(name, item) for item in (value if isinstance(value, list) else [value])]
    return fields


def result_context(answers: dict) -> dict:
    suggestion = chooser.suggest(answers)
    filters = FacilityFilter.base_filters
    groups = {}
    for name, value in suggestion.search_parameters():
        if name in FILTER_VALUES:
            groups.setdefault(name, (filters[name].label, []))[1].append((value, FILTER_VALUES[name](value).label))
    form = chooser.Question()
    summary = []
    for screen in chooser.screens(answers):
        if screen in chooser.QUESTIONS:
            labels = dict(form.fields[screen].choices)
            value = answers[screen]
            summary.append(
                (
                    screen,
                    form.fields[screen].label,
                    [labels[item] for item in (value if isinstance(value, list) else [value])],
                )
            )
    return {
        "suggestion": suggestion,
        "summary": summary,
        "carried": carried(answers),
        "last_screen": chooser.screens(answers)[-1],
        "filter_groups": [(name, label, values) for name, (label, values) in groups.items()],
        "telehealth_label": filters["telehealth"].label,
        "place_label": filters["location"].label,
        "place_help": filters["location"].extra["help_text"],
        "place_max_length": geo.MAX_PLACE_LENGTH,
    }
