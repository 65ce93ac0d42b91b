"""Control characters are refused where text comes in, so no stored text can break an export."""

import inspect
from types import ModuleType
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

import ballots.forms
import projects.forms
from projects.models import Candidate, CandidateSource, Station
from projects.validation import multi_line_text, single_line_text
from tests.conftest import Cast, client_for

INVISIBLE = "This text contains an invisible control character"
ONE_LINE = "This must be a single line"


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "c-name": "青山路路灯亮化",
        "c-category": "urban",
        "c-year": "2027",
        "c-content": "新增路灯420盏。",
        "s-kind": "resident",
        "s-name": "青山路居民",
        "s-raised_on": "2026-09-05",
    }
    data.update(overrides)
    return data


def _file(cast: Cast, **overrides: Any) -> Any:
    return client_for(cast.east_staff, language="en").post(
        reverse("candidate_new", kwargs={"body": cast.body.slug}),
        _form(**{"c-station": cast.east.pk, **overrides}),
    )


def test_a_bell_in_a_name_is_refused_so_the_staff_export_keeps_working(cast: Cast) -> None:
    response = _file(cast, **{"c-name": "路灯\x07亮化"})
    assert response.status_code == 200
    assert f"{INVISIBLE} (U+0007)" in response.content.decode()
    assert Candidate.objects.count() == CandidateSource.objects.count() == 0
    export = client_for(cast.congress).get(
        reverse("candidates_export", kwargs={"body": cast.body.slug})
    )
    assert export.status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("c-content", "红色\x1b[31m警示", f"{INVISIBLE} (U+001B)"),
        ("c-background", "背景\x7f", f"{INVISIBLE} (U+007F)"),
        ("c-feasibility", "可\x85行", f"{INVISIBLE} (U+0085)"),
        ("c-implementing_unit", "镇\ufffe水务站", f"{INVISIBLE} (U+FFFE)"),
        ("s-name", "青山路\x9b居民", f"{INVISIBLE} (U+009B)"),
        ("c-address", "青山路\t12号", ONE_LINE),
        ("c-name", "路灯\n亮化", ONE_LINE),
    ],
)
def test_control_characters_are_refused_in_every_text_field(
    cast: Cast, field: str, value: str, message: str
) -> None:
    response = _file(cast, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Candidate.objects.count() == CandidateSource.objects.count() == 0


def test_text_areas_keep_their_line_breaks_and_tabs(cast: Cast) -> None:
    response = _file(cast, **{"c-content": "第一行\r\n\t第二行"})
    assert response.status_code == 302
    assert Candidate.objects.get().content == "第一行\r\n\t第二行"


def test_a_long_text_takes_no_more_than_a_sheet_cell_imports(cast: Cast) -> None:
    response = _file(cast, **{"c-content": "长" * 5001})
    assert "Ensure this value has at most 5000 characters (it has 5001)." in (
        response.content.decode()
    )
    assert Candidate.objects.count() == 0
    assert _file(cast, **{"c-content": "长" * 5000}).status_code == 302


def test_an_edit_with_a_control_character_changes_nothing(cast: Cast, draft: Candidate) -> None:
    response = client_for(cast.east_staff, language="en").post(
        reverse("candidate_edit", kwargs={"body": cast.body.slug, "pk": draft.pk}),
        _form(**{"c-name": "改过\x08的名字"}),
    )
    assert f"{INVISIBLE} (U+0008)" in response.content.decode()
    draft.refresh_from_db()
    assert draft.name == "溪口村饮用水管网改造"


@pytest.mark.parametrize(
    "text",
    ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f", "\x80", "\x9f", "\ud800"],
)
def test_the_validators_refuse_every_control_character(text: str) -> None:
    for validate in (single_line_text, multi_line_text):
        with pytest.raises(ValidationError) as refused:
            validate(f"前{text}后")
        assert refused.value.code == "control_character"


@pytest.mark.parametrize("text", ["\t", "\n", "\r"])
def test_line_breaks_and_tabs_are_for_text_areas_only(text: str) -> None:
    multi_line_text(f"前{text}后")
    with pytest.raises(ValidationError) as refused:
        single_line_text(f"前{text}后")
    assert refused.value.code == "single_line"


@pytest.mark.parametrize(
    "text", ["青山路 12 号", "不\u00a0换行", "零宽\u200b空格", "表情😀", "＝全角"]
)
def test_ordinary_text_passes(text: str) -> None:
    single_line_text(text)
    multi_line_text(text)


# Forms whose constructors need more than the data.
NEEDS: dict[str, dict[str, Any]] = {
    "CandidateForm": {"stations": Station.objects.none()},
    "MergeForm": {"choices": Candidate.objects.none()},
    "PublicFilterForm": {"years": [], "stations": Station.objects.none()},
    "RoundForm": {"years": []},
}


def _forms_in(module: ModuleType) -> list[type[forms.BaseForm]]:
    return [
        cls
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize(
    "form_class",
    [*_forms_in(projects.forms), *_forms_in(ballots.forms)],
    ids=lambda cls: cls.__name__,
)
def test_every_text_field_of_every_form_refuses_control_characters(
    form_class: type[forms.BaseForm],
) -> None:
    form = form_class(**NEEDS.get(form_class.__name__, {}))
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        with pytest.raises(ValidationError) as refused:
            field.clean("a\x07b")
        codes = [error.code for error in refused.value.error_list]
        assert "control_character" in codes, f"{form_class.__name__}.{name}"
