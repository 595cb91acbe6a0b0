"""callqa: call QA services."""
