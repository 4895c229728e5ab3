"""Rendering results for people: text views, labels, charts and reports."""
