"""Converters from tracker body formats (ADF, Jira wiki) to what the parser reads."""
