"""Tools for publicity staff: new articles, imports, the 三审 review workflow, lint and the content report.

Unlike the build, these commands write to docs/ — that is what staff ask them to do —
always atomically, so a failed command leaves the file as it was.
"""
