"""Screening many parks at once: table in, one result row per park out."""
