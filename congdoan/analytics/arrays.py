"""Integer query results as numpy arrays, and adding rows into them by position."""

from collections.abc import Sequence

import numpy as np
from django.db import connection


def fetch_ints(sql: str, params: Sequence, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(first column, the other `width` columns) of an all-integer query, as int64 arrays."""
    columns = width + 1
    if connection.vendor == "postgresql":
        # One row of one array per column: psycopg parses each array in C, where a row per
        # union (130,000 at national scale) costs a Python object each.
        names = ", ".join(f"c{i}" for i in range(columns))
        arrays = ", ".join(f"array_agg(CAST(c{i} AS bigint))" for i in range(columns))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {arrays} FROM ({sql}) AS q({names})", params)
            row = cursor.fetchone()
        if row is None or row[0] is None:
            table = np.zeros((0, columns), dtype=np.int64)
        else:
            table = np.stack([np.array(values, dtype=np.int64) for values in row], axis=1)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            table = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, columns)
    return table[:, 0], table[:, 1:]


def add_rows(totals: np.ndarray, positions: np.ndarray, rows: np.ndarray) -> None:
    """totals[positions] += rows, positions possibly repeated.

    np.add.at does this one element at a time; a weighted bincount per column is an order
    of magnitude faster at national size, and exact while sums stay below 2**53."""
    if not len(positions):
        return
    for column in range(totals.shape[1]):
        totals[:, column] += np.bincount(
            positions, weights=rows[:, column], minlength=len(totals)
        ).astype(np.int64)
