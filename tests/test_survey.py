"""The partner survey: answering, importing paper answers, and its summary in the evaluation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from netzwerker.cli import cli
from netzwerker.contributions import Period
from netzwerker.domain.evaluation.services import evaluation_of
from netzwerker.domain.survey.models import SurveyAnswer
from netzwerker.domain.survey.services import QUESTIONS, summarise
from netzwerker.testing import ALL_PLUGINS_CONFIG, OPERATOR


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)


def test_a_partner_answers_once_a_year_and_coordinators_see_the_summary(web):
    member = web.sign_in("partner_member")
    form = member.get("/survey").text
    assert "Der Austausch von Ideen und Informationen im Netzwerk" in form
    incomplete = member.post("/survey", {"exchange": "4", "synergies": "9"})
    assert incomplete.status_code == 422
    assert 'value="4" checked' in incomplete.text  # what was chosen stays chosen
    answer = {"exchange": "4", "synergies": "3", "effectiveness": "5", "comment": "Gut"}
    assert "Danke: Ihre Antwort ist gespeichert." in member.post("/survey", answer).text
    # Answering again replaces the answer.
    member.post("/survey", {**answer, "exchange": "2"})
    with web.deployment.session() as session:
        (stored,) = session.exec(select(SurveyAnswer)).all()
        assert (stored.exchange, stored.partner_id) == (2, web.network.counselling.id)
    summary = web.sign_in("coordinator").get("/survey").text.split('id="summary-heading"')[1]
    assert "1 Antwort" in summary
    assert web.sign_in("viewer").post("/survey", answer).status_code == 403


def test_paper_answers_are_imported_whole_or_not_at_all(web, tmp_path):
    folder = str(web.deployment.folder)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "survey,partner,exchange,synergies,effectiveness,comment\n"
        "2026,klinik,5,4,4,Sehr hilfreich\n"
        "2026,gibt-es-nicht,3,6,2,\n",
        encoding="utf-8",
    )
    answer = CliRunner().invoke(cli, ["survey", "import", folder, str(bad)])
    assert answer.exit_code == 1
    assert "bad.csv, row 3, partner: no partner 'gibt-es-nicht'" in answer.output
    assert "bad.csv, row 3, synergies: a rating from 1 to 5, got '6'" in answer.output
    with web.deployment.session() as session:
        assert session.exec(select(SurveyAnswer)).all() == []
    good = tmp_path / "good.csv"
    good.write_text(
        "survey;partner;answered_on;exchange;synergies;effectiveness;comment\n"
        "2026;klinik;01.03.2026;5;4;4;Sehr hilfreich\n"
        "2026;;;3;3;2;\n",
        encoding="utf-8",
    )
    answer = CliRunner().invoke(cli, ["survey", "import", folder, str(good)])
    assert answer.exit_code == 0, answer.output
    evaluation = evaluation_of(web.deployment, None, None, actor=OPERATOR)
    survey = evaluation.survey
    assert survey.answers == 2 and survey.partners_answered == 1
    means = {question.key: question.mean for question in survey.questions}
    assert means == {"exchange": 4.0, "synergies": 3.5, "effectiveness": 3.0}
    assert survey.comments == ["Sehr hilfreich"]


ratings = st.integers(min_value=1, max_value=5)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(st.tuples(ratings, ratings, ratings), min_size=1, max_size=20))
def test_the_summary_counts_every_answer_once(deployment, answers):
    today = deployment.today()
    with deployment.transaction() as session:
        session.execute(sa.delete(SurveyAnswer))
        for exchange, synergies, effectiveness in answers:
            session.add(
                SurveyAnswer(
                    survey="2026",
                    answered_on=today,
                    exchange=exchange,
                    synergies=synergies,
                    effectiveness=effectiveness,
                    recorded_by="test",
                )
            )
    with deployment.session() as session:
        summary = summarise(session, Period(today, today))
    for index, question in enumerate(summary.questions):
        values = [answer[index] for answer in answers]
        assert sum(question.counts) == len(answers)
        assert question.counts[0] == values.count(1)
        assert question.mean == round(sum(values) / len(values), 2)
    assert [question.key for question in summary.questions] == list(QUESTIONS)
