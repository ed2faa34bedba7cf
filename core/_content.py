"""Reading content files (YAML) into checked models, with errors a teacher can act on.

Content is data: a teacher adds a scenario by adding a file. A file that does not follow its schema
raises ContentError naming the file, the field and what was expected — never a bare traceback.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ._errors import ContentError

M = TypeVar("M", bound=BaseModel)


def content_root() -> Path:
    """The folder of the bundled content (package `hocvuso.content`)."""
    return Path(str(resources.files("hocvuso.content")))


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; raise ContentError with the file and line on a syntax error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8", path=path) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContentError(f"YAML syntax error{where}: {getattr(exc, 'problem', exc)}", path=path) from exc


def validate(model: type[M], data: Any, *, path: Path | str) -> M:
    """Check `data` against `model`; raise ContentError naming the first bad field and the fix."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
        raise ContentError(f"{first['msg']}{more}", path=path, field=field) from exc


def load_file(model: type[M], path: Path) -> M:
    """Read and check one content file."""
    return validate(model, read_yaml(path), path=path)
