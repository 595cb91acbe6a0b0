"""The DuckDB results database: schema and migrations, writing scored calls and reading them back, and the per-call
results in force kept beside each scorecard.

Owns: `Store`, migrations, `in_force` summaries, the stored scorecard document. May import: transcribe, scoring,
qa.config, qa.pipeline (result types only)."""
