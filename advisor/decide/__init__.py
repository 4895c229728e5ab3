"""Deciding: facts from profile and analysis, the rule engine and its plain evaluator, ranking, explanations."""
