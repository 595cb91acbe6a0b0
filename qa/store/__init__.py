"""The DuckDB results database: schema and migrations, writing scored calls and reading them back, and the per-call
results in force kept beside each scorecard.

Owns: `Store` (`database`), migrations, the one writer/reader of a stored call (`calls`), `in_force` summaries,
the typed scorecard (`scorecard_view.CallView`) and the stored vocabularies (`vocabulary`). May import: transcribe,
scoring,
qa.config, qa.pipeline (result types only)."""
