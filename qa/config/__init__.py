"""Settings: the YAML/CLI/environment settings of a run (`settings`) and the batch part of them (`batch`).

Owns: `Settings`, `BatchSettings`, `load_settings` (checked by pydantic; `validation` words the errors).
May import: transcribe, scoring (their option types). Nothing else in qa imports below this layer."""
