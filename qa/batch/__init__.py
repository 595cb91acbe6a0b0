"""Many calls overnight: plan files (`state`, `types`), run the per-call function (`worker`) on an engine
(`engine_local`,`engine_ray`), one writer storing results (`run`), one batch per database (`lock`), per-file time limits
(`file_timeout`) and Ray's Parquet results (`parquet_results`).

May import: qa.store, qa.pipeline, qa.config and below; never qa.review, qa.cli, qa.app."""
