"""Debian's nginx on loopback, configured with the repository's deploy/nginx files and the
snippets township-archive writes for the project being served.

As in production, the workers run as an unprivileged user when nginx starts as root, so a
file of the site that is not world-readable fails here as it would on the server."""

from __future__ import annotations

import grp
import http.client
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import tiers
from township_archive.serving import archive_redirects, write_nginx_snippets

ROOT = Path(__file__).resolve().parent.parent
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_user() -> str | None:
    """`user` for nginx.conf: the unprivileged account Debian has, or None when not started as root."""
    if os.geteuid() != 0:
        return None
    for user, group in (("www-data", "www-data"), ("nobody", "nogroup")):
        try:
            pwd.getpwnam(user)
            grp.getgrnam(group)
        except KeyError:
            continue
        return f"{user} {group}"
    raise RuntimeError("no unprivileged user (www-data or nobody) to run nginx's workers")


def project_redirects(config_file: Path) -> list[tuple[str, str]]:
    """The old addresses of a project's articles, as `township-archive build` writes them."""
    from township_archive.cli import CliError, _project_archive_of

    if not config_file.is_file():
        return []
    try:
        archive = _project_archive_of(config_file)[1]
    except CliError:
        return []  # not a township-archive project (the benchmark's stock Material site)
    return archive_redirects(archive)


def write_config(site: Path, prefix: Path, port: int, workers: int = 2, redirects: Iterable[tuple[str, str]] = ()) -> Path:
    """nginx.conf in `prefix` with the deploy/nginx files and generated snippets beside it, as on the server."""
    snippets = prefix / "township-archive"
    snippets.mkdir(parents=True, exist_ok=True)
    for conf in (ROOT / "deploy/nginx").glob("archive-*.conf"):
        shutil.copy2(conf, snippets / conf.name)
    write_nginx_snippets(snippets, redirects)
    temp_paths = "\n".join(f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = worker_user()
    config = prefix / "nginx.conf"
    config.write_text(
        f"""{f"load_module {BROTLI};" if BROTLI.exists() else ""}
{f"user {user};" if user else ""}
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
{temp_paths}
    server {{
        listen 127.0.0.1:{port};
        root {site};
        {"include township-archive/archive-brotli.conf;" if BROTLI.exists() else ""}
        include township-archive/archive-server.conf;
    }}
}}
""",
        encoding="utf-8",
    )
    return config


def check_config(config: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a configuration written by write_config."""
    tiers.require("nginx", "nginx -t")
    return subprocess.run([NGINX, "-t", "-p", str(config.parent), "-c", str(config)], capture_output=True, text=True, check=False)


@contextmanager
def _reachable(site: Path) -> Iterator[Path]:
    """The site at a path the unprivileged workers can walk to.

    Test folders (pytest's, mkdtemp's) are 0700, and pytest resets its base folder to 0700 when
    another session starts, so the site is mirrored into a fresh 0711 folder: folders re-created
    with their own modes, files hard-linked (same inode, same mode) or copied with their modes."""
    if worker_user() is None:
        yield site
        return
    holder = Path(tempfile.mkdtemp(prefix="nginx-site-"))
    try:
        os.chmod(holder, 0o711)
        mirror = holder / "site"
        for folder, folders, files in os.walk(site):
            source = Path(folder)
            target = mirror / source.relative_to(site)
            target.mkdir()
            shutil.copystat(source, target)
            for name in files:
                try:
                    os.link(source / name, target / name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(source / name, target / name, follow_symlinks=False)
            for name in folders:
                if (source / name).is_symlink():
                    (target / name).symlink_to(os.readlink(source / name))
            folders[:] = [name for name in folders if not (source / name).is_symlink()]
        yield mirror
    finally:
        shutil.rmtree(holder, ignore_errors=True)


@contextmanager
def nginx_serving(
    site: Path, workdir: Path, workers: int = 2, redirects: Iterable[tuple[str, str]] | None = None
) -> Iterator[str]:
    """The site on a free loopback port. `redirects` default to the aliases of the project the site
    was built from (mkdocs.yml beside it), as `township-archive build` writes them."""
    tiers.require("nginx", "nginx")
    if redirects is None:
        redirects = project_redirects(site.parent / "mkdocs.yml")
    prefix = workdir / "nginx"
    port = _free_port()
    with _reachable(site.resolve()) as served:
        config = write_config(served, prefix, port, workers, redirects)
        process = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"nginx did not start: {process.stdout.read()}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            process.wait(timeout=10)


def fetch(base: str, path: str, encoding: str = "identity") -> http.client.HTTPResponse:
    """One GET of `path` exactly as written (no normalisation by the client); the body is in `.body`."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": encoding})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response
