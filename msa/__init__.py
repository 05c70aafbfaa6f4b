"""msa: the command line and the stage runners.

Owns: the `msa` CLI, reading work from the database, calling the pure cores
of extract/ and classify/, writing their results back, the demo and serving.
May import: db, crawler, extract, classify.
"""

__version__ = "0.1.0"
