"""Build tooling for a township publicity and culture archive.

The modules below `plugin.py` hold the logic and do not import MkDocs, so that
tests can call them directly and a later move away from MkDocs stays cheap.
"""
