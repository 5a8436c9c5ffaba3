"""Offline bundle: trimming the offline build, packing, manifest and verification."""
