#!/usr/bin/env bash
# Re-resolve the lock files from pyproject.toml (docs/maintainers/dependencies.md says when and how).
#
#   requirements.txt        the runtime dependencies and the build backend (pyproject's
#                            [build-system] requires), every file's sha256
#   requirements-test.txt   the same versions plus the `test` extra
#   requirements-pdf.txt    the same versions plus the `pdf` extra (`weekly pdf` in the deploy)
#
# uv is pinned here; it resolves for every platform (--universal) so an analyst on Windows or macOS
# installs the same versions. Run it after changing a dependency in pyproject.toml, then commit the
# four files together: tests/test_lock.py fails while pyproject and the locks disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
[ -x .venv/bin/python ] || python3 -m venv .venv
if [ "$(.venv/bin/python -m uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  .venv/bin/python -m pip install -q "uv==$UV_VERSION"
fi
build_in=$(mktemp --suffix=.in)
trap 'rm -f "$build_in"' EXIT
.venv/bin/python - >"$build_in" <<'PY'
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))
PY
common=(--universal --fork-strategy fewest --python-version 3.11 --generate-hashes --no-header --quiet)
.venv/bin/python -m uv pip compile "${common[@]}" pyproject.toml "$build_in" -o requirements.txt
.venv/bin/python -m uv pip compile "${common[@]}" --extra test -c requirements.txt \
  pyproject.toml "$build_in" -o requirements-test.txt
.venv/bin/python -m uv pip compile "${common[@]}" --extra pdf -c requirements-test.txt \
  pyproject.toml "$build_in" -o requirements-pdf.txt
# uv names the temporary input file in the "# via" comments: name what it stands for instead.
sed -i "s|# via -r .*\.in$|# via pyproject.toml [build-system]|; s|^    #   -r .*\.in$|    #   pyproject.toml [build-system]|" \
  requirements.txt requirements-test.txt requirements-pdf.txt
