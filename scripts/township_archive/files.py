"""Writing one file so that readers see the old content or the new, never half of it.

The content goes to a temporary file in the same folder (so the rename stays on one file
system), is flushed to disk, and replaces the target with `os.replace`; on any failure the
temporary file is removed and the target is untouched. A file that already exists keeps its
permissions; a new one gets the usual ones (0666 less the umask), not `mkstemp`'s 0600.
Swapping whole folders (the built site, a cache entry) is a different operation, done where it
happens.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_file(path: Path, fsync: bool = True) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces `path` when the block ends without an exception.
    `fsync`: flush the content to disk before the rename (a power cut then leaves old or new)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            if fsync:
                os.fsync(stream.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomically(path: Path, content: str | bytes, fsync: bool = True) -> None:
    """Replace `path` with `content` (text is written as UTF-8) all at once; see `atomic_file`."""
    with atomic_file(path, fsync) as stream:
        stream.write(content.encode("utf-8") if isinstance(content, str) else content)
