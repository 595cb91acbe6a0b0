"""Rubric files shipped with callqa (YAML). Copy one, edit it and pass its path as the `rubric` setting."""
