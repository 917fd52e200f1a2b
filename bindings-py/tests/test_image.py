"""Model images (``.tkz``): Model.to_image / from_image / open, write and load of ``.tkz`` paths,
and ImageError for what is not an image, of another layout, damaged or truncated."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import tiaokuai
from tiaokuai import Model

MAGIC = b"\x89TKZ\r\n\x1a\n"


def image_error(data: Any) -> tiaokuai.ImageError:
    with pytest.raises(tiaokuai.ImageError) as e:
        Model.from_image(data)
    assert e.value.kind == "image"
    assert isinstance(e.value, ValueError) and isinstance(e.value, tiaokuai.TiaokuaiError)
    assert str(e.value).startswith("model image: ")
    return e.value


def test_the_sample_round_trips_through_an_image(sample: Model) -> None:
    image = sample.to_image()
    assert isinstance(image, bytes) and image.startswith(MAGIC)
    again = Model.from_image(image)
    assert again == sample
    # The same document, byte for byte, and the same image again.
    assert again.to_json() == sample.to_json()
    assert again.to_image() == image
    assert again.chain("yyl-c01-party").to_dict() == sample.chain("yyl-c01-party").to_dict()
    assert again.audit().to_dict() == sample.audit().to_dict()


def test_meta_dates_and_attrs_survive(tiny: Model) -> None:
    again = Model.from_image(tiny.to_image())
    assert again.to_json() == tiny.to_json()
    assert again.to_dict() == tiny.to_dict()
    assert again.meta == tiny.meta
    # Read at the document's meta.as_of, as its JSON is.
    assert again.date == tiny.date and again.as_of == tiny.as_of


def test_a_bytearray_and_a_memoryview_read_too(tiny: Model) -> None:
    image = tiny.to_image()
    assert Model.from_image(bytearray(image)) == tiny
    assert Model.from_image(memoryview(image)) == tiny
    assert Model.from_image(memoryview(b"xx" + image)[2:]) == tiny


@pytest.mark.parametrize("data", ["\x89TKZ", 42, None, [0x89, 0x54], 3.5])
def test_anything_but_bytes_is_a_type_error(data: Any) -> None:
    with pytest.raises(TypeError, match="takes bytes"):
        Model.from_image(data)


def test_write_tkz_then_open_and_load(tmp_path: Path, sample: Model) -> None:
    path = tmp_path / "model.tkz"
    sample.write(path)
    assert path.read_bytes() == sample.to_image()
    assert Model.open(path) == sample
    assert Model.open(str(path)).to_json() == sample.to_json()
    # Opened, the file is mapped: its tables are shared with other processes that open it.
    assert Model.open(path).mapped_bytes > 0
    assert tiaokuai.load(path).mapped_bytes == Model.open(path).mapped_bytes
    read = Model.open(path, map=False)
    assert (read.mapped_bytes, read) == (0, sample)
    assert sample.mapped_bytes == 0
    assert Model.from_image(sample.to_image()).mapped_bytes == 0
    # load knows an image by its first bytes.
    assert tiaokuai.load(path) == sample
    assert Model.load(path) == sample


def test_an_explicit_format_wins_over_the_ending(tmp_path: Path, tiny: Model) -> None:
    image = tmp_path / "model.bin"
    tiny.write(image, format="image")
    assert image.read_bytes() == tiny.to_image()
    assert Model.open(image) == tiny
    json_tkz = tmp_path / "model.tkz"
    tiny.write(json_tkz, format="json")
    assert json_tkz.read_text(encoding="utf-8") == tiny.to_json()
    assert tiaokuai.load(json_tkz) == tiny
    with pytest.raises(tiaokuai.IsADirectoryIoError, match="a model image is written to a file"):
        tiny.write(tmp_path, format="image")


def test_open_refuses_json_and_missing_files(tmp_path: Path, tiny: Model) -> None:
    path = tmp_path / "model.json"
    tiny.write(path)
    with pytest.raises(tiaokuai.ImageError, match="is not a model image") as e:
        Model.open(path)
    assert e.value.kind == "image"
    assert tiaokuai.load(path) == tiny
    with pytest.raises(tiaokuai.FileNotFoundIoError):
        Model.open(tmp_path / "missing.tkz")


def test_truncated_flipped_and_foreign_bytes_are_image_errors(tmp_path: Path, tiny: Model) -> None:
    image = tiny.to_image()
    assert "truncated" in str(image_error(image[:-1]))
    assert "truncated" in str(image_error(image[:40]))
    flipped = bytearray(image)
    flipped[len(image) // 2] ^= 0x01
    assert "checksum" in str(image_error(bytes(flipped)))
    other_layout = bytearray(image)
    other_layout[8] = 99
    assert "layout 99" in str(image_error(bytes(other_layout)))
    assert "not a model image" in str(image_error(tiny.to_json().encode()))
    assert "not a model image" in str(image_error(b""))
    # On disk: open and load refuse a damaged file alike.
    path = tmp_path / "damaged.tkz"
    path.write_bytes(bytes(flipped))
    with pytest.raises(tiaokuai.ImageError):
        Model.open(path)
    with pytest.raises(tiaokuai.ImageError):
        tiaokuai.load(path)


def test_max_bytes_bounds_images(tmp_path: Path, tiny: Model) -> None:
    image = tiny.to_image()
    path = tmp_path / "model.tkz"
    path.write_bytes(image)
    assert Model.from_image(image, max_bytes=len(image)) == tiny
    assert Model.open(path, max_bytes=len(image)) == tiny
    with pytest.raises(tiaokuai.TooLargeError):
        Model.from_image(image, max_bytes=len(image) - 1)
    with pytest.raises(tiaokuai.TooLargeError):
        Model.open(path, max_bytes=len(image) - 1)


def test_threads_read_one_image_at_once(sample: Model) -> None:
    image = sample.to_image()
    with ThreadPoolExecutor(max_workers=4) as pool:
        models = list(pool.map(lambda _: Model.from_image(image), range(8)))
    assert all(m == sample for m in models)
