"""Pilot tests of every interaction the terminal UI offers."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, OptionList, Static, TabbedContent, Tree

from sim.analysis.explore import paths_to_endings
from sim.export.story import readable
from sim.ui import present, storage
from sim.ui.app import SimApp
from sim.ui.components.branches import BranchTree
from sim.ui.components.choices import ChoiceDetail, ChoiceList
from sim.ui.components.stances import StancesTable
from sim.ui.screens.actors import ActorsScreen
from sim.ui.screens.compare import CompareScreen
from sim.ui.screens.dialogs import Ask, Dialog
from sim.ui.screens.ending import EndingScreen
from sim.ui.screens.errors import ErrorsScreen
from sim.ui.screens.explore import ExploreScreen
from sim.ui.screens.help import HelpScreen
from sim.ui.screens.main import MainScreen
from sim.ui.screens.picker import PickerScreen
from sim.ui.screens.sources import SourcesScreen
from sim.ui.screens.why import WhyScreen

SIZE = (100, 32)


def text_of(widget) -> str:
    rendered = widget.render()
    return str(getattr(rendered, "plain", rendered))


async def test_opens_on_the_main_screen_with_choices(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        choices = app.screen.query_one(ChoiceList)
        assert choices.option_count == len(app.session.options()) >= 4
        actors = {o.act.actor for o in app.session.options()}
        assert actors == {"us", "russia", "ukraine", "europe"}  # every side can move on turn 1
        table = app.screen.query_one(StancesTable)
        assert table.row_count == 5 and len(table.columns) == 5
        assert "Turn 1 of at most 14" in app.screen.sub_title


async def test_choose_by_number_roll_and_back(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False, seed=7)
    async with app.run_test(size=SIZE) as pilot:
        call = next(c.number for c in present.choices(app.session) if c.act.id == "us_call_putin")
        await pilot.press(str(call))
        assert app.session.step().choice == "us_call_putin"
        assert not app.session.node.deciding  # Moscow's answer branches
        heading = app.screen.query_one(ChoiceList).border_title
        assert "Moscow answers the truce proposal" in heading
        await pilot.press("r")
        rolled = app.session.step()
        assert rolled.how == "rolled" and rolled.choice.startswith("russia_answers_call.")
        before = app.session.node
        await pilot.press("b")
        assert app.session.current == rolled.parent
        await pilot.press("b")
        assert app.session.current == 0
        await pilot.press("b")  # at the start: a notice, no crash
        assert app.session.current == 0
        # going back forgets nothing: the explored branch is still a child
        assert app.session.children(0)[0].choice == "us_call_putin"
        assert before == app.session.step(rolled.id).node


async def test_enter_on_highlighted_choice_and_detail_line(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        choices = app.screen.query_one(ChoiceList)
        choices.focus()
        await pilot.press("down")
        highlighted = choices.get_option_at_index(choices.highlighted).id
        detail = text_of(app.screen.query_one(ChoiceDetail))
        assert "articles" in detail  # the basis of the highlighted move is explained
        await pilot.press("enter")
        assert app.session.step().choice == highlighted


async def test_branch_weights_and_rationale_are_shown(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert any("91%" in p for p in prompts)  # "yes_but": weight 6 of 6.6
        assert "not a forecast" in choices.border_subtitle
        detail = text_of(app.screen.query_one(ChoiceDetail))
        assert "Why this weight" in detail


async def test_tree_jump_and_take_an_untaken_branch(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.yes_but")
        await pilot.pause()
        tree = app.screen.query_one(BranchTree)
        labels = [str(n.label) for n in _walk(tree.root)]
        assert any("\u25cb" in label and "Accepts the truce" in label for label in labels)  # untaken, dimmed
        # select the untaken "accepts" branch in the tree: the app goes there and takes it
        node = next(n for n in _walk(tree.root) if n.data and n.data[0] == "untaken" and n.data[2] == "russia_answers_call.accepts")
        tree.select_node(node)
        await pilot.pause()
        assert app.session.step().choice == "russia_answers_call.accepts"
        # jump back to the start by selecting the root
        tree = app.screen.query_one(BranchTree)
        tree.select_node(tree.root)
        await pilot.pause()
        assert app.session.current == 0
        assert len(app.session.children(app.session.children(0)[0].id)) == 2  # both branches kept


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


async def test_tree_cursor_is_on_the_current_step_in_the_same_frame(whole_arc):
    """The tree moves its cursor while the view refreshes, not after a later repaint; and its
    faster label measure agrees with Textual's own for every node (folded and expanded)."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(BranchTree)
        for choice in ("us_call_putin", "russia_answers_call.yes_but"):
            app.choose(choice)  # refreshes the view synchronously; no pause before the check
            assert tree.cursor_node is not None and tree.cursor_node.data == ("step", app.session.current)
        app.back()
        assert tree.cursor_node.data == ("step", app.session.current)
        await pilot.pause()
        nodes = list(_walk(tree.root))
        assert any(n.allow_expand and n.is_expanded for n in nodes) and any(not n.allow_expand for n in nodes)
        assert [tree.get_label_width(n) for n in nodes] == [Tree.get_label_width(tree, n) for n in nodes]


async def test_why_screen_shows_conditions_values_and_opens_the_quote(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.yes_but")
        await pilot.press("w")
        assert isinstance(app.screen, WhyScreen)
        body = text_of(app.screen.query_one(Static))
        assert "Moscow answers the truce proposal" in body
        assert "Why this weight" in body or "why this weight" in body
        # in words, with labels and described values; the expressions on demand (e)
        label, before = readable(whole_arc, "ceasefire", "on_the_table")
        assert f"{label}: {before} \u2192 {readable(whole_arc, 'ceasefire', 'yes_but')[1]}" in body
        assert "==" not in body and "on_the_table" not in body
        await pilot.press("e")
        await pilot.pause()
        body = text_of(app.screen.query_one("#why-text", Static))
        assert "ceasefire: on_the_table \u2192 yes_but" in body
        quotes = app.screen.query_one("#quotes", OptionList)
        assert quotes.option_count >= 1
        quotes.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        quote = app.screen.quote
        assert quote is not None and quote.span is not None
        highlighted = [w for w in app.screen.query(".para") if "reverse" in str(w.render().spans)]
        assert highlighted, "the quoted passage is highlighted"


async def test_why_lists_conditions_with_seen_values(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await pilot.press("w")
        body = text_of(app.screen.query_one(Static))
        phase = readable(whole_arc, "phase", "ceasefire")[1]
        assert f"because: Phase is \u201c{phase}\u201d, and " in body and "==" not in body
        assert f"saw: Phase was \u201c{phase}\u201d" in body


async def test_sources_screen_shows_every_article_and_the_disagreements(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, SourcesScreen)
        listing = app.screen.query_one("#source-list", OptionList)
        assert listing.option_count == 6
        await pilot.press("d")
        await pilot.pause()
        versions = [text_of(w) for w in app.screen.query(".version")]
        assert any("at least eight" in v for v in versions) and any("at least 12" in v for v in versions)
        # the list keeps the focus, yet PageDown pages the text beside it
        article = app.screen.query_one("#article")
        assert app.focused is listing and article.max_scroll_y > 0 and article.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert article.scroll_y > 0
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("a")  # the same in a side's briefing, where the tabs have the focus
        await pilot.pause()
        pane = app.screen.query_one(TabbedContent)
        body = pane.get_pane(pane.active).query_one(VerticalScroll)
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0


async def test_actor_briefing_from_key_and_from_a_stance_cell(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, ActorsScreen)
        await pilot.press("escape")
        table = app.screen.query_one(StancesTable)
        table.focus()
        table.cursor_coordinate = (1, 3)  # Crimea, Ukraine
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActorsScreen)
        assert app.screen.actor == "ukraine" and app.screen.issue == "crimea"
        text = " ".join(text_of(w) for w in app.screen.query(Static))
        assert "Constitution" in text and "red line" in text


async def test_stance_changes_along_the_path_are_listed(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.accepts")
        await pilot.press("a")
        pane_text = " ".join(text_of(w) for w in app.screen.query(Static))
        assert "30-day ceasefire: conditional \u2192 accept" in pane_text


async def test_an_ending_opens_its_screen_with_judgements_and_prompts(ceasefire):
    path = paths_to_endings(ceasefire)["truce_holds"]
    app = SimApp(scenario=ceasefire, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        for choice in path:
            app.choose(choice)
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        body = text_of(app.screen.query_one("#ending-text", Static))
        assert "How each side would judge it" in body and "To discuss" in body
        assert "not a forecast" in body
        await pilot.press("escape")  # close it: the choices say what to do next
        await pilot.pause()
        assert app.screen.sub_title.startswith("Ended at turn ")
        hint = app.screen.query_one(ChoiceList).get_option_at_index(0)
        assert hint.disabled and "b goes back" in str(hint.prompt)
        app.back()
        app.choose(path[-1])  # the ending again: its screen opens again
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("b")  # back a step from the ending
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert not app.session.node.over


async def test_an_ending_backs_each_judgement_with_its_own_quotes(whole_arc):
    """A side's judgement of an ending is backed by the judgement's own quotes, not by the
    first quote of a stance it cites (taken from the scenario: the first ending where the
    two differ)."""
    from sim.engine.model import VIEW_PHRASES

    stances = {f"{s.actor}.{s.issue}": s for s in whole_arc.stances}
    reachable = paths_to_endings(whole_arc)
    ending, side, own, other = next(
        (e, side, [q.text for q in j.quotes], [stances[c].quotes[0].text for c in j.cites if c in stances and stances[c].quotes])
        for e in whole_arc.endings if e.id in reachable
        for side, j in e.judgements.items()
        if j.quotes and any(stances[c].quotes[0].text not in [q.text for q in j.quotes] for c in j.cites if c in stances and stances[c].quotes)
    )  # fmt: skip
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        for choice in reachable[ending.id]:
            app.choose(choice)
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        body = " ".join(text_of(app.screen.query_one("#ending-text", Static)).split())
        heads = [f"{whole_arc.actor_name(a)} {VIEW_PHRASES[j.view]}." for a, j in ending.judgements.items()]
        mine = heads[list(ending.judgements).index(side)]
        block = body.split(mine, 1)[1]
        for head in heads:
            block = block.split(head, 1)[0]
        block = block.split("To discuss", 1)[0]
        for text in own:
            assert " ".join(text.split()) in block
        for text in other:
            if text not in own:
                assert " ".join(text.split()) not in block


async def test_mark_and_compare(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        app.choose("us_call_putin")
        app.choose("russia_answers_call.accepts")
        await pilot.press("c")
        assert isinstance(app.screen, CompareScreen)
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        names = [str(r[0]) for r in rows]
        # readable labels (the variable's label, side and issue title), each row once
        assert "30-day ceasefire" in names and "Russia: 30-day ceasefire" in names
        assert len(names) == len(set(names)) and not any("_" in str(cell) for r in rows for cell in r)


async def test_compare_without_a_mark_says_it_compares_with_the_start(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.accepts")
        await pilot.press("c")
        assert isinstance(app.screen, CompareScreen) and app.screen.first == 0
        info = str(app.screen.query_one(Static).render())
        assert "No step is marked" in info and "first 0" not in info


async def test_explore_runs_in_a_worker_and_shows_the_odds(strikes):
    app = SimApp(scenario=strikes, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ExploreScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#odds", DataTable)
        assert table.row_count == len(strikes.endings)
        shares = [float(str(table.get_row_at(i)[1]).split("%")[0]) for i in range(table.row_count)]
        assert abs(sum(shares) - 100) < 1


async def test_explore_can_be_closed_while_running(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.press("escape")  # keys never wait for the worker
        assert isinstance(app.screen, MainScreen)
        await app.workers.wait_for_complete()


async def test_save_open_and_a_broken_file_changes_nothing(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.yes_but")
        app.back()
        app.choose("russia_answers_call.accepts")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, Dialog)
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "class.yaml")
        await pilot.press("enter")
        await pilot.pause()
        saved = (tmp_path / "class.yaml").read_text()
        assert "explored:" in saved and "russia_answers_call.accepts" in saved
        assert not app.unsaved
        # a broken file: a notice, and the session stays as it was
        (tmp_path / "broken.yaml").write_text("scenario: whole_arc\nsteps: [no_such_move]\n")
        before = (len(app.session.steps), app.session.current)
        assert not app.open_file(tmp_path / "broken.yaml")
        assert (len(app.session.steps), app.session.current) == before
        # opening the saved file restores the tree
        app.back()
        app.back()
        assert app.open_file(tmp_path / "class.yaml")
        assert app.session.choices() == ["us_call_putin", "russia_answers_call.accepts"]
        assert len(app.session.children(1)) == 2


async def test_open_asks_before_replacing_unsaved_work(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        assert app.save_to(tmp_path / "saved.yaml")
        app.choose("russia_answers_call.yes_but")  # a step not in the file
        await pilot.press("ctrl+o")
        app.screen.query_one(Input).value = str(tmp_path / "saved.yaml")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Ask)
        await pilot.press("escape")  # cancel: the unsaved step is still there
        await pilot.pause()
        assert app.session.choices() == ["us_call_putin", "russia_answers_call.yes_but"]
        await pilot.press("ctrl+o")
        app.screen.query_one(Input).value = str(tmp_path / "saved.yaml")
        await pilot.press("enter", "o")  # open without saving
        await pilot.pause()
        assert app.session.choices() == ["us_call_putin"]
        # save first, then open: the new step is in the saved file, the opened one is current
        app.choose("russia_answers_call.accepts")
        await pilot.press("ctrl+o")
        app.screen.query_one(Input).value = str(tmp_path / "saved.yaml")
        await pilot.press("enter", "s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "kept.yaml")
        await pilot.press("enter")
        await pilot.pause()
        assert "russia_answers_call.accepts" in (tmp_path / "kept.yaml").read_text()
        assert app.session.choices() == ["us_call_putin"] and app.opened.file == tmp_path / "saved.yaml"


async def test_quit_asks_only_when_there_is_unsaved_work(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")  # nothing done yet: quits at once
        await pilot.pause()
    assert app.return_code == 0

    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await pilot.press("q")
        assert isinstance(app.screen, Ask)
        await pilot.press("escape")  # cancel
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.press("q")  # quit without saving
        await pilot.pause()
    assert app.return_code == 0

    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await pilot.press("q", "s")  # save, then quit
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "before-quit.yaml")
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0 and "us_call_putin" in (tmp_path / "before-quit.yaml").read_text()


async def test_autosave_then_resume_on_reopen(whole_arc, isolated_state):
    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        app.choose("russia_answers_call.yes_but")
        await pilot.pause()
    assert (isolated_state / "sessions.db").exists()  # the session store, in the state folder

    app = SimApp(scenario=whole_arc)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Ask)
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.choices() == ["us_call_putin", "russia_answers_call.yes_but"]


async def test_export_writes_a_markdown_transcript(whole_arc, tmp_path):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        app.choose("us_call_putin")
        await pilot.press("e")
        app.screen.query_one(Input).value = str(tmp_path / "out.md")
        await pilot.press("enter")
        await pilot.pause()
        text = (tmp_path / "out.md").read_text()
        assert text.startswith("# From a 30-day ceasefire")
        assert "## Sources" in text and "Trump and Putin hold their call" in text


async def test_help_screen_and_command_palette_entries(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        scroller = app.screen.query_one(VerticalScroll)
        assert scroller.max_scroll_y > 0  # the help is longer than the screen...
        await pilot.press("end")
        await pilot.pause()
        assert scroller.scroll_y == scroller.max_scroll_y  # ...and the keyboard reaches its end
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Roll for a branch", "Go back one step", "Why did this happen?", "Sources", "Save session", "Export: handout, role sheets, notes, tree, transcript", "Projector theme (high contrast)", "Theme"):
            assert wanted in titles
        next(c for c in app.get_system_commands(app.screen) if c.title.startswith("Projector theme")).callback()
        assert app.theme == "projector"


async def test_a_broken_scenario_shows_its_errors_on_screen(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario:\n  id: bad\nmoves:\n  x: {actor: nobody}\n")
    app = SimApp(str(bad))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorsScreen)
        lines = str(app.screen.query_one("#error-lines", Static).render())
        assert "bad.yaml:" in lines and "Traceback" not in lines


async def test_picker_lists_the_scenarios_and_opens_one():
    app = SimApp(pick=True, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        listing = app.screen.query_one(OptionList)
        from sim.format.catalog import catalog

        assert listing.option_count == len(catalog()) >= 4
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert Path(app.scenario.path).name.endswith(".yaml")


async def test_default_scenario_loads_in_a_worker():
    app = SimApp(autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.scenario.id == "whole_arc"


async def test_tree_widget_is_a_tree(whole_arc):
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.focused, Tree)


async def test_no_color_is_respected(whole_arc, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color
        assert isinstance(app.screen, MainScreen)


async def test_a_branch_weights_whole_reason_is_on_screen_at_80_columns_and_in_why(whole_arc):
    """The reason was cut mid-sentence at 100 columns or fewer, and w did not show it: the
    detail line now grows to fit it, and w at a branch point lists every branch in full."""
    app = SimApp(scenario=whole_arc, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.choose("us_call_putin")
        await pilot.pause()
        options = app.session.options()
        first = options[0].act
        detail = app.screen.query_one(ChoiceDetail)
        shown = " ".join(str(detail.render()).split())
        assert " ".join(first.rationale.split()) in shown
        assert detail.size.height >= len(str(detail.render()).splitlines())  # nothing cut off below
        await pilot.press("w")
        await pilot.pause()
        body = " ".join(text_of(app.screen.query_one("#why-text", Static)).split())
        for option in options:
            assert " ".join(option.act.rationale.split()) in body
        shares = [s for s in (present.node_shares(whole_arc, app.session.node).values())]
        assert sum(int(s.rstrip("%")) for s in shares) == 100
