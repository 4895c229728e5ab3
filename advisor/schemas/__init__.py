"""pydantic models only – no I/O. Every model forbids unknown keys."""
