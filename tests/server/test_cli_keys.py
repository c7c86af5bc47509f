"""``teachkit keys``: create prints the key on its last line, list shows prefixes, revoke
takes a key or its prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from teachkit.cli import main
from teachkit.server._keys import Keys, check_tenant
from teachkit.storages._sql import SQLStorage


def test_keys_create_list_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    assert main(["keys", "create", "--tenant", "acme", "--admin", "--storage", url]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    key = out[-1]
    assert out[0] == f"new admin key of tenant 'acme' in {url}; it is shown only now:"
    assert key.startswith("tk_") and len(key) == 46
    storage = SQLStorage(url)
    keys = Keys(storage.engine)
    who = keys.verify(key)
    assert who is not None and (who.tenant, who.admin) == ("acme", True)
    assert main(["keys", "list", "--storage", url]) == 0
    listing = capsys.readouterr().out
    assert key[:11] in listing and key not in listing and "active" in listing
    assert main(["keys", "revoke", key[:11], "--storage", url]) == 0
    assert capsys.readouterr().out.strip() == "revoked"
    assert keys.verify(key) is None
    assert main(["keys", "revoke", key, "--storage", url]) == 0
    assert capsys.readouterr().out.strip() == "that key was already revoked"
    assert main(["keys", "revoke", "tk_nothing1", "--storage", url]) == 2
    assert "no key starts with 'tk_nothing1'" in capsys.readouterr().err
    assert main(["keys", "create", "--tenant", "a b", "--storage", url]) == 2
    assert "tenant: expected 1-64 letters" in capsys.readouterr().err
    storage.close()


def test_only_hashes_are_stored(tmp_path: Path) -> None:
    from sqlalchemy import text

    storage = SQLStorage(f"sqlite:///{tmp_path / 'h.db'}")
    key = Keys(storage.engine).create("acme")
    with storage.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM teachkit_api_keys"))]
    assert not any(key in str(v) for row in rows for v in row)
    storage.close()
    assert check_tenant("acme-1.b_2") == "acme-1.b_2"
