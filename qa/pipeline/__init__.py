"""One call, start to finish: load the models once (`models`), run the stages for one call (`call`) and return a
`CallResult` (`result`); voice measures (`voice`); no database inside.

Owns: `Pipeline`, `CallResult`, model status/pull/convert. May import: transcribe, scoring, qa.config."""
