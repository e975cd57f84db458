"""Write pass rows to a file the user named: Parquet, Arrow IPC, CSV or JSON Lines, streamed and atomic.

Batches arrive in order and are written as they come (a few row groups' worth buffered), into a temp
file beside the target that is renamed over it only when every batch is in: an error or an
interruption leaves the old file, or none. The format comes from the name's extension.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from isstrack.errors import BadInputError
from isstrack.io.outfile import streamed_output

FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".ipc": "arrow",
    ".arrows": "arrow-stream",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
ROW_GROUP_ROWS = 128 * 1024  # rows buffered before a Parquet row group (or Arrow batch) is written
_ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


def out_format(path: Path, option: str = "--out") -> str:
    """Return the output format a file name asks for, or raise BadInputError listing the choices."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        names = ", ".join(sorted({".parquet", ".arrow", ".arrows", ".csv", ".jsonl"}))
        raise BadInputError(f"{option} {path.name}: unknown file type; end the name with one of {names}")
    return fmt


def check_schema(schema: Any, fmt: str, option: str = "--out") -> None:
    """Raise BadInputError now if a text format cannot hold one of the schema's columns."""
    import pyarrow as pa

    if fmt not in ("csv", "jsonl"):
        return
    for field in schema:
        kind = field.type
        nested = pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind)
        if nested or pa.types.is_fixed_size_binary(kind) or pa.types.is_dictionary(kind):
            raise BadInputError(
                f"{option}: column {field.name} is {kind}, which {fmt.upper()} cannot hold; write "
                ".parquet or .arrow, or drop the column"
            )


class PassWriter:
    """Write record batches of one schema to an open binary file in one format, buffering row groups."""

    def __init__(self, handle: BinaryIO, schema: Any, fmt: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.schema = schema
        self.fmt = fmt
        self.rows = 0
        self._handle = handle
        self._pending: list[Any] = []
        self._pending_rows = 0
        self._writer: Any = None
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(handle, schema, **parquet_options(schema))
        elif fmt == "arrow":
            self._writer = pa.ipc.new_file(handle, schema)
        elif fmt == "arrow-stream":
            self._writer = pa.ipc.new_stream(handle, schema)
        elif fmt == "csv":
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerow(schema.names)
            handle.write(text.getvalue().encode("utf-8"))

    def write(self, batch: Any) -> None:
        """Queue a batch; write the queue once it holds a row group's worth."""
        if batch.num_rows == 0:
            return
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        if self._pending_rows >= ROW_GROUP_ROWS:
            self._flush()

    def close(self) -> None:
        """Write what is queued and the format's footer."""
        self._flush()
        if self._writer is not None:
            self._writer.close()

    def abort(self) -> None:
        """Close the format's writer without finishing the file (it is about to be removed)."""
        self._pending = []
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        self.rows += table.num_rows
        self._pending, self._pending_rows = [], 0
        if self.fmt == "parquet":
            self._writer.write_table(table, row_group_size=max(1, table.num_rows))
        elif self.fmt in ("arrow", "arrow-stream"):
            self._writer.write_table(table.combine_chunks())
        elif self.fmt == "csv":
            self._write_csv(table)
        else:
            self._write_jsonl(table)

    def _write_csv(self, table: Any) -> None:
        import pyarrow.csv as pcsv

        pcsv.write_csv(
            text_times(table), self._handle, pcsv.WriteOptions(include_header=False, quoting_style="needed")
        )

    def _write_jsonl(self, table: Any) -> None:
        lines = []
        for row in text_times(table).to_pylist():
            lines.append(json.dumps(row, ensure_ascii=False, allow_nan=False, default=str) + "\n")
        self._handle.write("".join(lines).encode("utf-8"))


def parquet_options(schema: Any) -> dict[str, Any]:
    """Return the Parquet writer's settings for pass rows of `schema`.

    Snappy, the codec every Parquet reader has (and Spark's and pyarrow's default). Dictionary pages
    for every column but the times: a place's columns repeat on each of its passes, and angles to 0.1°
    take a few thousand values, while times are all different. Statistics for every column but text,
    so that readers skip row groups by time, place or magnitude. Measured on 5,030,503 pass rows:
    2.4 s of CPU and 341 MB, against 4.0 s and 294 MB for zstd with dictionaries and statistics on all.
    """
    import pyarrow as pa

    names = list(schema.names)
    text = {f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)}
    return {
        "compression": "snappy",
        "use_dictionary": [name for name in names if not name.endswith("_time")],
        "write_statistics": [name for name in names if name not in text],
    }


def text_times(table: Any) -> Any:
    """Return the table with timestamps as ISO 8601 UTC text to the second (as the JSON output has them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            column = pc.strftime(column.cast(pa.timestamp("s", tz="UTC"), safe=False), format=_ISO_SECONDS)
        elif pa.types.is_floating(field.type):
            column = pc.if_else(pc.is_nan(column), pa.scalar(None, field.type), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.schema.names)


@contextlib.contextmanager
def pass_output(path: Path, schema: Any, option: str = "--out") -> Iterator[PassWriter]:
    """Yield a PassWriter into a temp file beside `path`; rename it over `path` when the block succeeds."""

    fmt = out_format(path, option)
    check_schema(schema, fmt, option)
    with streamed_output(path, option) as temp, temp.open("wb") as handle:
        writer = PassWriter(handle, schema, fmt)
        try:
            yield writer
        except BaseException:
            writer.abort()
            raise
        writer.close()
