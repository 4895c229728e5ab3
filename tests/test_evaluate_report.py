"""report LATER --previous EARLIER: the chapter 评估与持续改进 with its tables, its chart and the next cycle."""

from __future__ import annotations

import pytest
from conftest import ROOT

from advisor.cli.entry import main
from advisor.evaluate import evaluate_cycles
from advisor.profile.files import load_profile
from advisor.render.report_evaluation import chart_spec, evaluation_text, state_names

EARLIER = ROOT / "examples" / "demo-chemical.yaml"
LATER = ROOT / "examples" / "demo-chemical-2024.yaml"


@pytest.fixture(scope="module")
def evaluation(kb):
    return evaluate_cycles([(str(EARLIER), load_profile(EARLIER, kb)), (str(LATER), load_profile(LATER, kb))], kb,
                           lang="zh")


def test_the_markdown_report_with_a_previous_cycle_has_the_chapter(tmp_path, capsys):
    out = tmp_path / "report.md"
    assert main(["report", str(LATER), "--previous", str(EARLIER), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "评估与持续改进" in text
    for words in ("协同控制指标与目标", "措施实施跟踪", "已完成，但问题仍在", "按趋势可达标", "evaluation.png"):
        assert words in text
    assert (tmp_path / "report_files" / "evaluation.png").exists()


def test_a_report_without_a_previous_cycle_has_no_such_chapter(tmp_path, capsys):
    out = tmp_path / "report.md"
    assert main(["report", str(LATER), "-o", str(out)]) == 0
    assert "评估与持续改进" not in out.read_text(encoding="utf-8")


def test_the_word_and_html_reports_are_written_in_english_too(tmp_path, capsys):
    for name in ("report.docx", "report.html"):
        out = tmp_path / name
        assert main(["report", str(LATER), "--previous", str(EARLIER), "-o", str(out), "--lang", "en"]) == 0
        assert out.stat().st_size > 0
    assert "Evaluation and continuous improvement" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_previous_profile_of_another_park_stops_the_report_with_a_clear_error(tmp_path, capsys):
    other = tmp_path / "other.yaml"
    other.write_text(EARLIER.read_text(encoding="utf-8").replace("id: demo-chemical", "id: other-park", 1),
                     encoding="utf-8")
    assert main(["report", str(LATER), "--previous", str(other), "-o", str(tmp_path / "r.md")]) == 1
    assert "park.id" in capsys.readouterr().err
    assert not (tmp_path / "r.md").exists()


def test_the_chart_draws_each_intensity_as_an_index_of_its_first_cycle(evaluation, kb):
    """co2e_per_output: 2022 1.065013, 2024 0.940801 → 100 and 0.940801 / 1.065013 × 100 = 88.34."""
    spec = chart_spec(evaluation, "zh", kb)
    assert spec["years"] == [2022, 2024]
    first = spec["series"][0]
    assert first[0] == kb.indicators["co2e_per_output"].name.zh and first[2] is True
    assert first[1][0] == pytest.approx(100)
    assert first[1][1] == pytest.approx(0.940801 / 1.065013 * 100, abs=0.01)


def test_the_terminal_view_names_no_field_paths_or_rule_ids(evaluation, kb):
    text = evaluation_text(evaluation, "zh", state_names(kb, "zh"))
    assert "measures_status" not in text and "R-" not in text and "carbon.total_t_co2e" not in text
    assert "强脱钩" in text   # the Tapio state named, not its id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_evaluation_reads_in_its_language(kb, lang):
    from plain_text import problems, profile_texts

    earlier, later = load_profile(EARLIER, kb), load_profile(LATER, kb)
    result = evaluate_cycles([(str(EARLIER), earlier), (str(LATER), later)], kb, lang=lang)
    shown = evaluation_text(result, lang, state_names(kb, lang))
    assert problems(shown, lang, profile_texts(later) + profile_texts(earlier)) == []
