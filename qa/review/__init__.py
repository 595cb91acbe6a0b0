"""What supervisors do with scored calls: the work queue and samples (`queue`), assessments and their states
(`assessments`), overrides (`overrides`), coaching notes (`notes`), the audit trail (`audit`), results shown to
agents (`results`), role swaps (`roles`), re-scoring with a changed rubric (`rescore`) and the dashboard
(`dashboard`).

May import: qa.calibration, qa.accounts, qa.store, qa.pipeline, qa.config and below; never qa.batch, qa.cli, qa.app."""
