"""Ingestion: load the corpus, clean it, find its sections, chunk, embed into Chroma."""
