"""The park profile: its model, checks, and reading and writing it as YAML/JSON, workbook and batch row."""
