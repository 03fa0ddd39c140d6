"""The user cache: built once, read back, rebuilt when the file is damaged, harmless when unwritable."""

from uncounted.cache import cached_json


def test_value_is_built_once_then_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("UNCOUNTED_CACHE_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"mohammed": "mhmd"}

    assert cached_json("index", "abc", build) == {"mohammed": "mhmd"}
    assert cached_json("index", "abc", build) == {"mohammed": "mhmd"}
    assert len(calls) == 1
    assert cached_json("index", "other", build) == {"mohammed": "mhmd"} and len(calls) == 2


def test_damaged_entry_is_rebuilt_and_an_unwritable_folder_costs_only_time(tmp_path, monkeypatch):
    monkeypatch.setenv("UNCOUNTED_CACHE_DIR", str(tmp_path))
    cached_json("index", "abc", lambda: [1])
    (entry,) = tmp_path.glob("index-abc*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert cached_json("index", "abc", lambda: [2]) == [2]
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("UNCOUNTED_CACHE_DIR", str(blocked / "sub"))
    assert cached_json("index", "abc", lambda: [3]) == [3]


def test_variant_index_from_the_cache_equals_a_fresh_build(tmp_path, monkeypatch):
    from uncounted.names import keys

    monkeypatch.setenv("UNCOUNTED_CACHE_DIR", str(tmp_path))
    keys.default_index.cache_clear()
    try:
        first = keys.default_index()
        assert list(tmp_path.glob("variant-index-*.json"))
        keys.default_index.cache_clear()
        again = keys.default_index()
        assert again.latin_to_key == first.latin_to_key
        assert again.latin_to_key["mohammed"] == "mhmd"
    finally:
        keys.default_index.cache_clear()
