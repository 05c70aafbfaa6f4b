"""The shared vocabulary: facts every stage needs, written once (crawler, extract, classify, db import it).

It imports nothing of the project. Today it holds what a document's bytes are (`vocabulary.media`);
the label names and document roles still live in db/schema.py (docs/ARCHITECTURE.md).
"""
