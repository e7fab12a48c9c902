"""Each group decides its own side's branch points, and the facilitator may rule in the
group's place first (the README's and docs/ROOMS.md's promise): the room moves on with
whichever act comes first, and the group's late choice is refused, not applied twice."""

from __future__ import annotations

import pytest
from _rooms import river
from test_room_play import Table

from sim.room import RoomError
from sim.store.db import Store


@pytest.fixture
def rounds(tmp_path):
    store = Store.open(tmp_path / "state" / "sessions.db")
    yield Table(store, river(tmp_path, "rounds"))
    store.close()


def test_the_facilitator_may_rule_on_a_groups_branch_point_before_the_group_decides(rounds):
    t, room = rounds, rounds.room
    room.start(t.f)
    v = t.view(t.seat["upstream"])
    assert (v.asked.what, v.asked.owner, v.asked.yours) == ("move", "upstream", True)
    room.choose(t.seat["upstream"], "up_build")
    v = t.view(t.seat["downstream"])
    assert (v.asked.what, v.asked.owner, v.asked.yours) == ("reaction", "downstream", True)
    assert [o.act for o in t.view(t.f).asked.options] == [o.act for o in v.asked.options]  # what the group may choose
    room.adjudicate(t.f, "pick", "down_answers_build.accepts", "the group could not agree")
    d = t.view(t.obs).decisions[-1]
    assert (d.by, d.ruling, d.act, d.reason) == ("the facilitator", "pick", "down_answers_build.accepts", "the group could not agree")
    decided = len(t.view(t.obs).decisions)
    with pytest.raises(RoomError, match="not on offer here"):  # decided already: the group's late choice is not applied on top
        room.choose(t.seat["downstream"], "down_answers_build.threatens")
    assert len(t.view(t.obs).decisions) == decided
