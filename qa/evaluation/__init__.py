"""Accuracy against references: speech (`speech`: DER, WER/CER, roles) and rubric results against labelled calls
(`rubric`). Pure scoring functions plus runners that take file paths.

May import: qa.pipeline, qa.config and below."""
