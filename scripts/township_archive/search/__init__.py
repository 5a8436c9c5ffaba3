"""Chinese search for the archive: a sharded index built here, queried by our own worker.

Material keeps its search box and result list; its worker is swapped (through the
template's config block) for `overrides/assets/javascripts/workers/archive-search.js`,
which speaks the same messages but loads only the index shards a query needs.
"""
