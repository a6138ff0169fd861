#!/usr/bin/env bash
# The object-storage tests run against a real S3-compatible server: moto's
# (`python3 -m moto.server`, in memory, on a loopback port the test picks).
# Moto 5 with its server extras comes with this kind of machine's Python;
# where it is missing it is installed with pip. Does nothing when present.
set -euo pipefail

check() { python3 -c "import moto.server, flask, flask_cors" >/dev/null 2>&1; }

if check; then
  exit 0
fi
echo "ensure-s3-server: moto's S3 server (python3 -m moto.server) is missing; the object-storage tests need it" >&2
if ! command -v python3 >/dev/null; then
  echo "ensure-s3-server: no python3: install Python 3, then: python3 -m pip install 'moto[server]>=5'" >&2
  exit 1
fi
echo "ensure-s3-server: running python3 -m pip install 'moto[server]>=5'" >&2
if ! python3 -m pip install -q 'moto[server]>=5' >&2 || ! check; then
  echo "ensure-s3-server: could not install it: python3 -m pip install 'moto[server]>=5' where PyPI can be reached" >&2
  exit 1
fi
echo "ensure-s3-server: installed $(python3 -c 'import moto; print("moto", moto.__version__)')" >&2
