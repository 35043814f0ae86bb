"""Optional generative answers: an LLM writes, the verifier decides what is shown."""
