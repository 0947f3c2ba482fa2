"""Training history: the SQLite store (migrations, damaged and locked databases), advice rules one by one,
reports, export, delete and the `formcheck history` command. Every test uses its own FORMCHECK_HOME."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from formcheck.errors import FormcheckError
from formcheck.history import advice as adv
from formcheck.history import log_session, record_session
from formcheck.history.cli import history_app
from formcheck.history.export import CSV_COLUMNS, to_csv, to_json
from formcheck.history.records import session_from_analysis
from formcheck.history.report import day_rows, plot_history
from formcheck.history.store import (DB_NAME, MIGRATIONS, SCHEMA_VERSION, HistoryError, HistoryStore, history_home,
                                     unsaved_files)

MONDAY = datetime(2024, 4, 1, 18, 30)  # a Monday; the synthetic history spans four weeks from here


# --- building analysis dicts ----------------------------------------------------------------------------------------

def make_rep(index: int, t: float, valid: bool = True, faults=(), variant: str = "standard", not_assessable=()):
    return {"index": index, "start_s": t, "bottom_s": t + 1.0, "end_s": t + 2.0, "min_elbow_deg": 88.0,
            "top_elbow_deg": 168.0, "body_line_max": 0.03, "hand_width_ratio": 1.25, "elbow_flare_deg": 42.0,
            "variant": variant, "valid": valid, "faults": list(faults), "not_assessable": list(not_assessable),
            "confidence": 0.95}


def make_analysis(sets=((15, 15),), rests=None, faults=(), variant="standard", not_assessable=(), live=True,
                  fault_every=1):
    """sets: (reps, valid reps) per set; rests: rest before each set after the first; faults go on every
    `fault_every`-th rep. live=False leaves out `sets` (an `analyze` result: one set)."""
    reps, out_sets, t, idx = [], [], 0.0, 0
    rests = list(rests or [45.0] * (len(sets) - 1))
    for k, (n, valid) in enumerate(sets):
        if k:
            t += rests[k - 1]
        start, members = t, []
        for i in range(n):
            f = faults if (i % fault_every == 0) else ()
            reps.append(make_rep(idx, t, valid=i < valid, faults=f, variant=variant, not_assessable=not_assessable))
            members.append(idx)
            idx += 1
            t += 2.0
        out_sets.append({"index": k, "start_s": start, "end_s": t, "reps": members,
                         "rest_before_s": rests[k - 1] if k else None})
    analysis = {
        "source": {"path": "clip.mp4", "fps": 30.0, "frames": int(t * 30), "width": 1280, "height": 720},
        "model": "full", "profile": "article",
        "summary": {"reps": len(reps), "valid_reps": sum(r["valid"] for r in reps),
                    "knee_reps": sum(r["variant"] == "knee" for r in reps), "view": "side",
                    "faults": {c: sum(c in r["faults"] for r in reps) for c in faults}},
        "reps": reps,
    }
    if live:
        analysis["sets"] = out_sets
    return analysis


def session(day_offset: int, **kw):
    """A SessionRecord (not stored) `day_offset` days after MONDAY."""
    return session_from_analysis(make_analysis(**kw), kind="live", started_at=MONDAY + timedelta(days=day_offset))


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def weeks(home):
    """Four weeks, Mon/Wed/Fri (one consecutive pair at the end): from one short set to two sets of 15."""
    plan = [
        (0, [(10, 8)]), (2, [(11, 10)]), (4, [(12, 12)]),
        (7, [(14, 13)]), (9, [(15, 15)]), (11, [(16, 15)]),
        (14, [(15, 15)]), (16, [(15, 15), (8, 6)]), (18, [(15, 15), (10, 9)]),
        (21, [(15, 15), (12, 11)]), (23, [(15, 15), (14, 13)]), (24, [(15, 15), (15, 14)]),
    ]
    ids = []
    for offset, sets in plan:
        ids.append(record_session(make_analysis(sets=sets, rests=[40.0] * (len(sets) - 1)), kind="live",
                                  started_at=MONDAY + timedelta(days=offset), source="camera 0"))
    return ids


# --- where the history lives -----------------------------------------------------------------------------------------

def test_formcheck_home_overrides_the_data_dir(home):
    assert history_home() == home
    assert HistoryStore().path == home / DB_NAME


def test_default_home_is_the_platform_user_data_dir(monkeypatch):
    import platformdirs

    monkeypatch.delenv("FORMCHECK_HOME", raising=False)
    assert str(history_home()) == platformdirs.user_data_dir("formcheck", appauthor=False)


def test_empty_history_reads_without_creating_a_database(home):
    store = HistoryStore()
    assert store.sessions() == []
    assert not store.path.exists()


# --- recording and reading --------------------------------------------------------------------------------------------

def test_record_and_read_back_sets_reps_faults_and_tempo(home):
    a = make_analysis(sets=[(5, 4), (3, 3)], rests=[35.0], faults=["HIPS_SAG"], fault_every=2)
    sid = record_session(a, kind="live", started_at=MONDAY, source="camera 0")
    [s] = HistoryStore().sessions()
    assert s.id == sid and s.kind == "live" and s.source == "camera 0" and s.day == MONDAY.date()
    assert s.started_at == MONDAY
    assert (s.reps_total, s.valid_total, s.knee_total) == (8, 7, 0)
    assert [st.n_reps for st in s.sets] == [5, 3] and [st.valid_reps for st in s.sets] == [4, 3]
    assert s.sets[1].rest_before_s == 35.0 and s.rests == [35.0]
    assert s.fault_counts()["HIPS_SAG"] == 5  # reps 0, 2, 4 of set one and 0, 2 of set two
    rep = s.sets[0].reps[0]
    assert rep.faults == ("HIPS_SAG",) and rep.down_s == 1.0 and rep.up_s == 1.0 and rep.min_elbow_deg == 88.0
    assert s.profile == "article" and s.model == "full" and s.view == "side"


def test_analyze_result_without_sets_is_one_set(home):
    sid = record_session(make_analysis(sets=[(4, 2), (3, 3)], live=False), kind="analyze", started_at=MONDAY)
    [s] = HistoryStore().sessions()
    assert s.id == sid and len(s.sets) == 1 and s.sets[0].n_reps == 7 and s.sets[0].rest_before_s is None
    assert s.source == "clip.mp4"  # taken from the analysis when not given


def test_reps_no_set_lists_go_into_a_last_set():
    a = make_analysis(sets=[(3, 3), (2, 2)])
    a["sets"] = a["sets"][:1]
    s = session_from_analysis(a, started_at=MONDAY)
    assert [st.n_reps for st in s.sets] == [3, 2] and s.reps_total == 5


def test_summary_only_analysis_keeps_the_counts(home):
    a = make_analysis(live=False)
    a["reps"] = []
    a["summary"].update(reps=9, valid_reps=7, knee_reps=2)
    record_session(a, started_at=MONDAY)
    [s] = HistoryStore().sessions()
    assert (s.reps_total, s.valid_total, s.knee_total) == (9, 7, 2)


def test_bad_kind_is_refused_but_kept_in_a_side_file(home):
    with pytest.raises(HistoryError) as e:
        record_session(make_analysis(), kind="batch", started_at=MONDAY)
    assert e.value.side_file is not None and e.value.side_file.exists()
    assert str(e.value.side_file) in str(e.value)


def test_sessions_span_weeks_and_filter_by_day(weeks):
    store = HistoryStore()
    everything = store.sessions()
    assert [s.id for s in everything] == weeks
    assert everything[-1].day - everything[0].day == timedelta(days=24)
    week2 = store.sessions(since=date(2024, 4, 8), until="2024-04-14")
    assert [s.day.isoformat() for s in week2] == ["2024-04-08", "2024-04-10", "2024-04-12"]


# --- migrations ---------------------------------------------------------------------------------------------------------

def test_new_database_is_at_the_latest_schema(home):
    record_session(make_analysis(), started_at=MONDAY)
    with sqlite3.connect(home / DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_version_1_database_is_migrated_and_keeps_its_sessions(home):
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / DB_NAME)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO sessions (started_at, started_ts, day, kind, source, reps, valid_reps, knee_reps, "
                 "analysis) VALUES ('2024-03-01T07:00:00', 0, '2024-03-01', 'analyze', 'old.mp4', 3, 2, 0, '{}')")
    conn.execute("INSERT INTO sets VALUES (1, 0, 0.0, 6.0, NULL)")
    conn.execute("INSERT INTO reps (session_id, idx, set_idx, variant, valid, faults) "
                 "VALUES (1, 0, 0, 'standard', 1, ''), (1, 1, 0, 'standard', 1, ''), "
                 "(1, 2, 0, 'standard', 0, 'SHALLOW_DEPTH')")
    conn.commit()
    conn.close()

    store = HistoryStore()
    old = store.sessions()
    assert len(old) == 1 and old[0].source == "old.mp4" and old[0].formcheck_version is None
    assert old[0].fault_counts()["SHALLOW_DEPTH"] == 1
    record_session(make_analysis(), started_at=MONDAY)
    with sqlite3.connect(home / DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'sessions_day'").fetchone()
    assert [s.source for s in store.sessions()] == ["old.mp4", "clip.mp4"]
    assert store.sessions()[1].formcheck_version  # written by this formcheck


def test_database_from_a_newer_formcheck_is_refused(home):
    home.mkdir(parents=True)
    with sqlite3.connect(home / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer than this formcheck"):
        HistoryStore().sessions()


# --- damaged and locked databases -------------------------------------------------------------------------------------

def test_damaged_database_saves_the_session_to_a_side_file(home):
    home.mkdir(parents=True)
    garbage = b"this is not sqlite at all\n" * 200
    (home / DB_NAME).write_bytes(garbage)
    analysis = make_analysis(sets=[(12, 11)])
    with pytest.raises(HistoryError) as e:
        record_session(analysis, kind="live", started_at=MONDAY, source="camera 0")
    message = str(e.value)
    assert isinstance(e.value, FormcheckError) and "\n" not in message
    assert "damaged" in message and str(home / DB_NAME) in message
    side = e.value.side_file
    assert side is not None and side.parent == home / "unsaved" and str(side) in message
    payload = json.loads(side.read_text())
    assert payload["analysis"] == analysis and payload["kind"] == "live" and payload["source"] == "camera 0"
    assert payload["started_at"] == MONDAY.isoformat()
    assert (home / DB_NAME).read_bytes() == garbage  # the damaged file is left for the user to inspect


def test_damaged_database_message_when_reading(home):
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"\x00garbage" * 500)
    with pytest.raises(HistoryError, match="damaged.*move it away"):
        HistoryStore().sessions()


def test_log_session_never_raises_and_says_where_the_session_went(home):
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"garbage" * 100)
    message = log_session(make_analysis(), kind="analyze", source="clip.mp4", started_at=MONDAY)
    assert message.startswith("history: ") and "damaged" in message
    assert str(unsaved_files(home)[0]) in message


def test_locked_database_saves_a_side_file_and_is_imported_later(home):
    first = record_session(make_analysis(), started_at=MONDAY)
    holder = sqlite3.connect(home / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError) as e:
            HistoryStore(timeout=0.05).record_session(make_analysis(sets=[(9, 9)]), kind="live",
                                                      started_at=MONDAY + timedelta(days=2))
        assert "locked" in str(e.value) and str(e.value.side_file) in str(e.value)
        assert e.value.side_file.exists()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [s.id for s in HistoryStore().sessions()] == [first]

    message = log_session(make_analysis(sets=[(7, 7)]), kind="live", started_at=MONDAY + timedelta(days=4))
    assert "1 session saved earlier" in message
    assert unsaved_files(home) == []
    got = HistoryStore().sessions()
    assert [s.reps_total for s in got] == [15, 9, 7]  # in time order, the recovered one in the middle
    assert got[1].day == (MONDAY + timedelta(days=2)).date()


# --- delete -------------------------------------------------------------------------------------------------------------

def test_delete_by_id_range_and_all(weeks):
    store = HistoryStore()
    assert store.delete([weeks[0], weeks[1]]) == 2
    assert store.count(since="2024-04-08", until="2024-04-14") == 3
    assert store.delete(since=date(2024, 4, 8), until=date(2024, 4, 14)) == 3
    assert len(store.sessions()) == len(weeks) - 5
    with sqlite3.connect(store.path) as conn:  # sets and reps go with their session
        assert conn.execute("SELECT COUNT(*) FROM reps WHERE session_id = ?", (weeks[0],)).fetchone()[0] == 0
    assert store.delete(everything=True) == len(weeks) - 5
    assert store.sessions() == []


def test_delete_needs_a_choice(weeks):
    with pytest.raises(HistoryError, match="say which sessions"):
        HistoryStore().delete()


# --- export -------------------------------------------------------------------------------------------------------------

def test_csv_export_has_one_row_per_rep(weeks):
    sessions = HistoryStore().sessions()
    rows = list(csv.DictReader(io.StringIO(to_csv(sessions))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == sum(s.reps_total for s in sessions)
    last = [r for r in rows if r["session_id"] == str(weeks[-1])]
    assert {r["set_index"] for r in last} == {"0", "1"} and last[-1]["rest_before_s"] == "40.0"
    assert last[0]["down_s"] == "1.0" and last[0]["valid"] == "1"


def test_json_export_round_trips_the_analysis(home, tmp_path):
    analysis = make_analysis(sets=[(6, 5), (4, 4)], faults=["ELBOWS_FLARED"])
    record_session(analysis, kind="live", started_at=MONDAY)
    payload = json.loads(to_json(HistoryStore().sessions(with_analysis=True)))
    assert payload["format"] == "formcheck-history"
    [s] = payload["sessions"]
    assert s["analysis"] == analysis and s["kind"] == "live" and s["day"] == "2024-04-01"
    record_session(s["analysis"], kind=s["kind"], started_at=datetime.fromisoformat(s["started_at"]),
                   home=tmp_path / "other")
    assert len(HistoryStore(tmp_path / "other").sessions()) == 1


# --- reports --------------------------------------------------------------------------------------------------------------

def test_day_rows_add_up_sessions_of_one_day():
    a = session(0, sets=[(10, 8)], faults=["HIPS_SAG"], fault_every=2)
    b = session_from_analysis(make_analysis(sets=[(6, 6), (5, 5)], faults=["NO_LOCKOUT"], fault_every=5),
                              started_at=MONDAY + timedelta(hours=2))
    c = session(2, sets=[(12, 12)])
    rows = day_rows([c, b, a])
    assert [r.day for r in rows] == [date(2024, 4, 1), date(2024, 4, 3)]
    first = rows[0]
    assert (first.sessions, first.sets, first.reps, first.valid_reps) == (2, 3, 21, 19)
    assert first.reps_per_set == (10, 6, 5) and abs(first.valid_share - 19 / 21) < 1e-9
    assert first.main_fault == "HIPS_SAG" and first.main_fault_reps == 5
    assert rows[1].main_fault is None and rows[1].mean_rep_s == 2.0


def test_plot_is_a_png(weeks, tmp_path):
    out = tmp_path / "progress.png"
    data = plot_history(HistoryStore().sessions(), out)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and out.read_bytes() == data
    assert plot_history([])[:4] == b"\x89PNG"  # an empty history still draws


# --- advice rules, one by one ----------------------------------------------------------------------------------------

def test_rest_day_after_consecutive_days():
    got = adv.rest_day([session(0), session(1)], today=date(2024, 4, 2))
    assert got and got.code == "rest_day" and "consecutive days" in got.message and "rest tomorrow" in got.message
    assert got.rule == adv.RULE_REST_DAY


def test_rest_day_quiet_for_alternate_days_and_old_pairs():
    assert adv.rest_day([session(0), session(2), session(4)], today=date(2024, 4, 5)) is None
    assert adv.rest_day([session(0), session(1), session(9)], today=date(2024, 4, 10)) is None  # pair > a week ago
    assert adv.rest_day([session(0), session(1)], today=date(2024, 3, 31)) is None  # both after "today"


def test_beginner_set_below_twelve():
    got = adv.beginner_set([session(0, sets=[(10, 7)])], today=date(2024, 4, 1))
    assert got and "7 valid reps" in got.message and "12-15" in got.message and got.rule == adv.RULE_BEGINNER
    assert adv.beginner_set([session(0, sets=[(13, 12)])], today=date(2024, 4, 1)) is None
    assert adv.beginner_set([], today=date(2024, 4, 1)) is None


def test_add_second_set_after_three_sessions_of_fifteen():
    three = [session(0, sets=[(15, 15)]), session(2, sets=[(16, 15)]), session(4, sets=[(15, 15)])]
    got = adv.add_set(three, today=date(2024, 4, 5))
    assert got and "3 sessions with a set of 15 valid reps: add a second set" in got.message
    assert got.rule == adv.RULE_ADD_SET


def test_add_set_needs_three_full_sessions_and_not_knees():
    assert adv.add_set([session(0, sets=[(15, 15)]), session(2, sets=[(15, 15)])], date(2024, 4, 5)) is None
    assert adv.add_set([session(0, sets=[(15, 15)]), session(2, sets=[(15, 14)]), session(4, sets=[(15, 15)])],
                       date(2024, 4, 5)) is None
    knees = [session(d, sets=[(15, 15)], variant="knee") for d in (0, 2, 4)]
    assert adv.add_set(knees, date(2024, 4, 5)) is None


def test_add_third_set_and_not_while_already_trying_one():
    two = [session(d, sets=[(15, 15), (15, 15)]) for d in (0, 2, 4)]
    assert "add a third set" in adv.add_set(two, date(2024, 4, 5)).message
    trying = [session(0, sets=[(15, 15)]), session(2, sets=[(15, 15)]), session(4, sets=[(15, 15), (9, 9)])]
    assert adv.add_set(trying, date(2024, 4, 5)) is None


def test_advanced_rounds_after_three_sessions_of_three_sets():
    three = [session(d, sets=[(15, 15)] * 3) for d in (0, 2, 4)]
    got = adv.advanced_rounds(three, date(2024, 4, 5))
    assert got and "30 s" in got.message and got.rule == adv.RULE_ADVANCED
    assert adv.add_set(three, date(2024, 4, 5)) is None  # progression hands over to the advanced plan
    assert adv.advanced_rounds([session(d, sets=[(15, 15)] * 2) for d in (0, 2, 4)], date(2024, 4, 5)) is None


def test_short_rest_between_sets():
    got = adv.short_rest([session(0, sets=[(12, 12), (10, 10)], rests=[20.0])], date(2024, 4, 1))
    assert got and got.message == "rest was 20 s: rest 30-60 s between sets" and got.rule == adv.RULE_REST
    assert adv.short_rest([session(0, sets=[(12, 12), (10, 10)], rests=[45.0])], date(2024, 4, 1)) is None
    assert adv.short_rest([session(0, sets=[(12, 12)])], date(2024, 4, 1)) is None
    # only the last session counts
    older = session(0, sets=[(12, 12), (10, 10)], rests=[15.0])
    assert adv.short_rest([older, session(2, sets=[(12, 12), (9, 9)], rests=[50.0])], date(2024, 4, 3)) is None


def test_long_rest_between_sets():
    got = adv.long_rest([session(0, sets=[(12, 12), (10, 10)], rests=[180.0])], date(2024, 4, 1))
    assert got and "rest was 3 min" in got.message and "30-60 s" in got.message
    assert adv.long_rest([session(0, sets=[(12, 12), (10, 10)], rests=[60.0])], date(2024, 4, 1)) is None


def test_hips_sag_in_most_reps_last_week_means_knee_push_ups():
    week = [session(d, sets=[(10, 4)], faults=["HIPS_SAG"], fault_every=2 if d == 0 else 1) for d in (0, 5, 7)]
    got = adv.hips_sag_knees(week, today=date(2024, 4, 10))
    assert got and "hips sagged in 20 of 20 reps last week" in got.message  # 1 April is more than a week before
    assert "knee push-ups with a rigid torso until the sag is gone" in got.message and got.rule == adv.RULE_KNEES


def test_hips_sag_quiet_when_few_reps_sag_or_the_view_cannot_tell():
    some = [session(d, sets=[(10, 8)], faults=["HIPS_SAG"], fault_every=3) for d in (0, 2)]
    assert adv.hips_sag_knees(some, date(2024, 4, 3)) is None
    front = [session(0, sets=[(10, 8)], not_assessable=["HIPS_SAG"])]
    assert adv.hips_sag_knees(front, date(2024, 4, 1)) is None
    old = [session(0, sets=[(10, 0)], faults=["HIPS_SAG"])]
    assert adv.hips_sag_knees(old, date(2024, 4, 20)) is None


def test_back_to_full_push_ups_when_the_torso_holds_on_knees():
    knees = [session(d, sets=[(14, 13)], variant="knee") for d in (0, 2)]
    got = adv.back_to_full(knees, date(2024, 4, 3))
    assert got and "try full push-ups again" in got.message and got.rule == adv.RULE_KNEES
    sagging = [session(d, sets=[(14, 13)], variant="knee", faults=["HIPS_SAG"]) for d in (0, 2)]
    assert adv.back_to_full(sagging, date(2024, 4, 3)) is None
    assert adv.back_to_full([session(0, sets=[(14, 13)])], date(2024, 4, 1)) is None  # not on knees


def test_form_cue_for_the_main_other_fault():
    flared = [session(0, sets=[(10, 2)], faults=["ELBOWS_FLARED"]),
              session(2, sets=[(10, 9)], faults=["SHALLOW_DEPTH"], fault_every=4)]
    assert adv.form_cue(flared, date(2024, 4, 3)) is None  # 10 of 20: not most
    flared.append(session(4, sets=[(10, 2)], faults=["ELBOWS_FLARED"]))
    got = adv.form_cue(flared, date(2024, 4, 5))
    assert got and got.message.startswith("elbows flared in 20 of 30 reps last week")
    assert "close to your torso" in got.message and got.rule == adv.RULE_VALID_REP
    sag_only = [session(0, sets=[(10, 0)], faults=["HIPS_SAG"])]
    assert adv.form_cue(sag_only, date(2024, 4, 1)) is None  # the sag has its own rule


def test_advise_over_four_weeks(weeks):
    sessions = HistoryStore().sessions()
    today = date(2024, 4, 25)  # Thu 25 Apr, the last session, the day after Wed 24 Apr
    codes = [a.code for a in adv.advise(sessions, today)]
    assert codes == ["rest_day"]  # Wed and Thu in a row; the second sets are still being built
    mid = date(2024, 4, 12)
    assert [a.code for a in adv.advise(sessions, mid)] == []
    early = [a.code for a in adv.advise(sessions, date(2024, 4, 1))]
    assert early == ["beginner_set"]
    after_week3 = [a.code for a in adv.advise(sessions[:7], date(2024, 4, 15))]
    assert after_week3 == ["add_set"]


# --- the command ------------------------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_table_and_advice(weeks):
    result = runner.invoke(history_app, ["--today", "2024-04-25"])
    assert result.exit_code == 0, result.output
    assert "2024-04-25" in result.output and "Training history" in result.output
    assert "consecutive days" in result.output and "rule:" in result.output


def test_cli_empty_history(home):
    result = runner.invoke(history_app, [])
    assert result.exit_code == 0 and "No sessions" in result.output


def test_cli_export_and_plot(weeks, tmp_path):
    result = runner.invoke(history_app, ["--export", "json", "--since", "2024-04-22"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["sessions"]) == 3
    out = tmp_path / "h.csv"
    assert runner.invoke(history_app, ["--export", "csv", "-o", str(out)]).exit_code == 0
    assert out.read_text().startswith("session_id,")
    png = tmp_path / "p.png"
    assert runner.invoke(history_app, ["--plot", str(png), "--today", "2024-04-25"]).exit_code == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_cli_delete_needs_confirmation(weeks):
    result = runner.invoke(history_app, ["--delete", "--all"])
    assert result.exit_code == 1 and "add --yes" in result.output
    assert len(HistoryStore().sessions()) == len(weeks)
    result = runner.invoke(history_app, ["--delete", "--session", str(weeks[0]), "--session", str(weeks[1]), "--yes"])
    assert result.exit_code == 0 and "Deleted 2" in result.output
    result = runner.invoke(history_app, ["--delete", "--since", "2024-04-22", "--yes"])
    assert "Deleted 3" in result.output
    result = runner.invoke(history_app, ["--delete"])
    assert result.exit_code == 1 and "--delete needs" in result.output
    assert runner.invoke(history_app, ["--delete", "--all", "-y"]).exit_code == 0
    assert HistoryStore().sessions() == []


def test_cli_damaged_database_is_one_line(home):
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"garbage" * 300)
    result = runner.invoke(history_app, [])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "damaged" in result.output


def test_cli_bad_day(home):
    result = runner.invoke(history_app, ["--since", "yesterday"])
    assert result.exit_code != 0 and "not a day" in result.output


def test_side_file_falls_back_to_a_temporary_folder(home, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    home.mkdir(parents=True)
    (home / DB_NAME).write_bytes(b"garbage" * 100)
    (home / "unsaved").write_text("a file where the folder should be")
    with pytest.raises(HistoryError) as e:
        record_session(make_analysis(), started_at=MONDAY)
    side = e.value.side_file
    assert side.is_relative_to(tmp_path / "tmp") and str(side) in str(e.value)
    (home / DB_NAME).unlink()  # the user moves the damaged database away
    assert "1 session saved earlier" in log_session(make_analysis(sets=[(3, 3)]), started_at=MONDAY)
    assert len(HistoryStore().sessions()) == 2 and not side.exists()


def test_extra_fields_of_the_analysis_are_kept_and_uncertain_reps_leave_form_advice(home):
    a = make_analysis(sets=[(6, 3)], faults=["HIPS_SAG"], live=False)
    for i, r in enumerate(a["reps"]):  # as issue 2 writes them: 1-based, with evidence, tempo and uncertainty
        r.update(index=i + 1, uncertain=i < 4, tempo_down_s=1.0, tempo_up_s=1.0,
                 evidence=[{"code": "HIPS_SAG", "value": 0.12, "threshold": 0.08, "standard": "article", "t": 1.5}])
    a["reps"][5]["variant"] = "incline"
    a["summary"].update(status="ok", uncertain_reps=4, incline_reps=1)
    record_session(a, started_at=MONDAY)
    [s] = HistoryStore().sessions()
    assert [r.index for r in s.reps] == [1, 2, 3, 4, 5, 6] and s.reps[5].variant == "incline"
    assert [r.uncertain for r in s.reps] == [True] * 4 + [False] * 2
    assert s.fault_counts()["HIPS_SAG"] == 2 and s.assessed_counts()["HIPS_SAG"] == 2
    [exported] = json.loads(to_json(HistoryStore().sessions(with_analysis=True)))["sessions"]
    assert exported["analysis"]["reps"][0]["evidence"][0]["threshold"] == 0.08


def test_log_session_skips_a_session_without_reps(home):
    a = make_analysis(live=False)
    a["reps"] = []
    a["summary"].update(reps=0, valid_reps=0, status="no_pushups")
    assert log_session(a, kind="live") == "history: no reps, nothing recorded"
    assert HistoryStore().sessions() == [] and unsaved_files(home) == []
