"""Text helpers every stage shares: sentences, tidying, TF-IDF centrality and language codes.

It sits below the stages: ingest, write, speak, mix and the packages above them import it, and
it imports no stage.
"""
