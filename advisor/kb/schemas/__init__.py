"""pydantic models of knowledge/ and rules/ entries; no I/O."""
