"""The guided questionnaire shared by the terminal and the web pages.

questions.py loads the question book and what it is read with; stakes.py derives the measures each
answer can change; answers.py reads typed answers; answer_paths.py turns path → value answers into
profile data and back; session.py is one interview's state and resume file; flow.py decides which
question comes next; terminal.py is the loop on streams; interview.py is the whole `ask` verb.
"""

from advisor.kb.questions import load_questions
from advisor.questionnaire.answer_paths import align_units, flatten, is_answered, nest, paths_overlap
from advisor.questionnaire.answers import AnswerError, Reader, show_value, unit_hint
from advisor.questionnaire.flow import QuestionFlow
from advisor.questionnaire.interview import AskOptions, missing_required, run_ask
from advisor.questionnaire.messages import COMMANDS, MESSAGES
from advisor.questionnaire.questions import (
    industry_codes,
    load_kb_or_none,
    load_rulebase_partial,
    question_by_id,
    units_only,
)
from advisor.questionnaire.session import Session
from advisor.questionnaire.stakes import measures_at_stake, source_paths
from advisor.questionnaire.terminal import Interview, Stop

__all__ = [
    "COMMANDS", "MESSAGES", "AnswerError", "AskOptions", "Interview", "QuestionFlow", "Reader", "Session", "Stop",
    "align_units", "flatten", "industry_codes", "is_answered", "load_kb_or_none", "load_questions",
    "load_rulebase_partial", "measures_at_stake", "missing_required", "nest", "paths_overlap", "question_by_id",
    "run_ask", "show_value", "source_paths", "unit_hint", "units_only",
]
