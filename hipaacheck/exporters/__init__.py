"""Exporters send results somewhere after the formats are written (Security Hub...).

Unlike formats, which only render, exporters talk to services, through the sources' own connection
code; formats import nothing from sources.
"""
