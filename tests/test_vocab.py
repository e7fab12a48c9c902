"""Each vocabulary is one Enum, and every table that explains its words covers all of them;
the format accepts exactly the Enum's words."""

from __future__ import annotations

import typing

import pytest

from sim.engine import vocab
from sim.format import models as m

TABLES = [
    (vocab.Basis, vocab.BASIS_HELP),
    (vocab.Category, vocab.CATEGORY_QUAD),
    (vocab.View, vocab.VIEW_PHRASES),
    (vocab.Answer, vocab.ANSWER_HELP),
    (vocab.Kind, vocab.KIND_LABEL),
    (vocab.TurnMode, vocab.TURN_MODE_HELP),
    (vocab.Ruling, vocab.RULING_HELP),
]


@pytest.mark.parametrize("enum, table", TABLES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_word_of_a_vocabulary_is_explained(enum, table):
    assert set(table) == set(enum)
    assert all(isinstance(v, str) and v or v is None for v in table.values())


@pytest.mark.parametrize(
    "annotation, enum_words",
    [
        (m.BasisText, vocab.values(vocab.Basis)),
        (m.ViewText, vocab.values(vocab.View)),
        (m.AnswerText, vocab.values(vocab.Answer)),
        (m.AnyCategory, vocab.values(vocab.Category)),
        (m.Plover, vocab.values(vocab.POLITICAL)),
    ],
)
def test_the_format_accepts_exactly_the_enum_words(annotation, enum_words):
    assert typing.get_args(annotation) == enum_words


def test_a_sides_act_is_political_and_an_event_may_be_anything_or_nothing():
    assert set(vocab.POLITICAL) < set(vocab.Category)
    assert all(vocab.CATEGORY_QUAD[c] is not None for c in vocab.POLITICAL)
    assert m.Move.model_fields["type"].annotation == m.Plover
    assert m.EventAlternative.model_fields["type"].annotation == m.AnyCategory | None
    assert not m.EventAlternative.model_fields["type"].is_required()


def test_enum_words_compare_and_serialise_as_their_text():
    import json

    assert vocab.Kind.MOVE == "move" and f"{vocab.Kind.MOVE}" == "move"
    assert json.dumps({"k": vocab.Kind.REACTION}) == '{"k": "reaction"}'
