"""Personal data kept out of the store: entities found in a transcript's text (phone, Vietnamese citizen ID,
card, bank account, email, US SSN, address, name) in Vietnamese and English, including numbers spoken as words or
in groups as speech recognition writes them (`spoken`), by Presidio recognisers (`recognisers`), and replaced by a
placeholder in turns and words with the word times kept (`redact`).

Owns: `find_entities`, `redact_turns`, `phone_numbers`, `Entity`, `KINDS`. May import: transcribe (types only);
Presidio (patterns only: no spaCy model is downloaded), phonenumbers and tldextract, loaded on first use."""
from qa.privacy.recognisers import KINDS, Entity, find_entities
from qa.privacy.redact import Redaction, phone_numbers, placeholder, redact_text, redact_turns

__all__ = ["KINDS", "Entity", "Redaction", "find_entities", "phone_numbers", "placeholder", "redact_text",
           "redact_turns"]
