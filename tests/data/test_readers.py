"""Readers of long CSV, pyKT sequences, the DKT three-line format, pyBKT CSV, review logs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from teachkit.data import (
    detect_format,
    read_dkt,
    read_log,
    read_long,
    read_pybkt,
    read_pykt,
    read_review_log,
)
from teachkit.errors import ValidationError

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_long_csv(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "log.csv",
        "learner,item,skills,correct,timestamp\n"
        "a,q1,add,1,2024-01-01T00:00:00Z\n"
        "a,q2,add;mul,0,2024-01-01T00:01:00Z\n"
        "b,q1,add,1,1704067300\n",
    )
    log = read_long(p)
    assert len(log) == 3
    assert log.space.skills_of("q2") == ("add", "mul")
    assert log.time[:2].tolist() == [1704067200.0, 1704067260.0]
    assert detect_format(p) == "long"


def test_long_csv_without_optional_columns(tmp_path: Path) -> None:
    log = read_long(write(tmp_path, "log.csv", "learner,item,correct\na,q1,1\na,q1,0\n"))
    assert np.isnan(log.time).all()
    assert log.space.skill_names == ("q1",)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    p = write(tmp_path, "log.csv", "student,item,corect\na,q1,1\n")
    with pytest.raises(ValidationError) as err:
        read_long(p)
    assert err.value.problems == [
        "missing columns: 'learner' (the learner column), 'correct' (the correct column) "
        "(did you mean 'corect'?); the file has ['corect', 'item', 'student']. Name the "
        "columns with read_long(learner=..., item=..., skills=..., correct=..., time=...) or, "
        "on the command line, --learner-col/--item-col/--skills-col/--correct-col/--time-col"
    ]
    log = read_long(p, learner="student", correct="corect")
    assert log.learner_ids.tolist() == ["a"]


def test_bad_times_and_ragged_lines(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match="expected POSIX seconds or ISO 8601 times, got 'yesterday'"
    ):
        read_long(write(tmp_path, "a.csv", "learner,item,correct,timestamp\na,q,1,yesterday\n"))
    with pytest.raises(ValidationError, match=r"expected 3 fields per line, got others on lines 3"):
        read_long(write(tmp_path, "b.csv", "learner,item,correct\na,q,1\na,q\n"))
    with pytest.raises(ValidationError, match="no such file"):
        read_long(tmp_path / "missing.csv")


def test_parquet(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    p = tmp_path / "log.parquet"
    pd.DataFrame(
        {"learner": ["a", "a"], "item": ["q1", "q2"], "correct": [1, 0], "timestamp": [1.0, 2.0]}
    ).to_parquet(p)
    log = read_log(p)
    assert len(log) == 2
    assert log.time.tolist() == [1.0, 2.0]


def test_pykt_sequences_fold_expanded_rows_back_into_questions(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "test_sequences.csv",
        "fold,uid,questions,concepts,responses,timestamps,selectmasks,is_repeat\n"
        '0,7,"10,11,11,12,-1","1,2,3,1,-1","1,0,0,1,-1","100,200,200,300,-1","1,1,1,1,-1","0,0,1,0,0"\n'
        '0,7,"13,-1","2_3,-1","0,-1","400,-1","1,-1","0,0"\n',
    )
    log = read_pykt(p)
    assert detect_format(p) == "pykt"
    assert [log.space.names[i] for i in log.items] == ["10", "11", "12", "13"]
    assert log.space.skills_of("11") == ("2", "3")
    assert log.space.skills_of("13") == ("2", "3")
    assert log.correct.tolist() == [1, 0, 1, 0]
    assert log.time.tolist() == [100, 200, 300, 400]


def test_dkt_three_line_format(tmp_path: Path) -> None:
    p = write(tmp_path, "train.txt", "3\n1,2,1\n1,0,1\n2\n2,2\n0,1\n")
    log = read_dkt(p)
    assert detect_format(p) == "dkt"
    assert log.learner_ids.tolist() == ["0", "1"]
    assert log.lengths.tolist() == [3, 2]
    with pytest.raises(ValidationError, match=r"learner 0 \(line 1\): count 3, 2 ids, 3 answers"):
        read_dkt(write(tmp_path, "bad.txt", "3\n1,2\n1,0,1\n"))
    with pytest.raises(ValidationError, match="expected three lines per learner, got 2"):
        read_dkt(write(tmp_path, "short.txt", "3\n1,2\n"))


def test_pybkt_multi_skill_rows_become_one_answer(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "pybkt.csv",
        "order_id,user_id,skill_name,correct,problem_id\n"
        "1,u,add,1,p1\n2,u,add,0,p2\n2,u,mul,0,p2\n3,v,mul,1,p3\n",
    )
    log = read_pybkt(p)
    assert detect_format(p) == "pybkt"
    assert len(log) == 3
    assert log.space.skills_of("p2") == ("add", "mul")
    bad = write(tmp_path, "bad.csv", "order_id,user_id,skill_name,correct\n1,u,add,1\n1,u,mul,0\n")
    with pytest.raises(ValidationError, match="disagree on correct"):
        read_pybkt(bad)


def test_review_log_fixture() -> None:
    log = read_review_log(FIXTURES / "review_log_small.csv")
    assert detect_format(FIXTURES / "review_log_small.csv") == "review"
    assert len(log) == 600
    assert log.n_learners == 1
    ratings = log.score * 3 + 1
    assert set(np.unique(ratings).round().tolist()) <= {1.0, 2.0, 3.0, 4.0}
    assert np.array_equal(log.correct, (ratings > 1.5).astype(float))
    assert np.all(np.diff(log.time) >= 0)


def test_review_ratings_are_checked(tmp_path: Path) -> None:
    p = write(tmp_path, "r.csv", "card_id,review_rating,review_time\n1,5,2024-01-01T00:00:00Z\n")
    with pytest.raises(ValidationError, match=r"expected ratings 1\.\.4, got others at rows 0"):
        read_review_log(p)


def test_unknown_format() -> None:
    with pytest.raises(
        ValidationError, match="expected one of long, pykt, dkt, pybkt, review or 'auto', got 'csv'"
    ):
        read_log(FIXTURES / "review_log_small.csv", format="csv")
