"""The knowledge and rule bases: loading, checking, the condition language, units and the disk cache."""
