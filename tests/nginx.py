"""Debian's nginx on loopback, configured with the repository's deploy/nginx files and the
snippets `township-archive nginx` generates for the site being served."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from township_archive.serving import write_nginx_snippets

ROOT = Path(__file__).resolve().parent.parent
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def nginx_serving(site: Path, workdir: Path, workers: int = 2) -> Iterator[str]:
    prefix = workdir / "nginx"
    snippets = prefix / "township-archive"
    snippets.mkdir(parents=True, exist_ok=True)
    for conf in (ROOT / "deploy/nginx").glob("archive-*.conf"):
        shutil.copy2(conf, snippets / conf.name)
    write_nginx_snippets(site, snippets)
    port = _free_port()
    temp_paths = "\n".join(f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        f"""{f"load_module {BROTLI};" if BROTLI.exists() else ""}
{"user root;" if os.geteuid() == 0 else ""}
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
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
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
