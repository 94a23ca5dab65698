"""Ruled tables of a stand-in page: pdfplumber's TableFinder (lines strategy, default settings) with its
cell search done in linear-ish time.

pdfplumber finds each cell by walking, from every ruling intersection, the intersections below and to
the right of it and asking whether an edge joins two of them; each question builds two sets of edge
boxes anew, which is most of a table page's reading time. Here each intersection's vertical and
horizontal edges are made a set once, and the points below and to the right are looked up by column
and row instead of scanning the rest of the page. The search order, and so every cell, is pdfplumber's
(tests/test_pdf_reader.py compares the grids with pdfplumber's own on real pages).
"""

from __future__ import annotations

from collections import defaultdict

from pdfplumber import utils
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections

Point = tuple[float, float]


def find_tables(page) -> list[Table]:
    """The tables pdfplumber's TableFinder(page).tables gives."""
    finder = TableFinder.__new__(TableFinder)  # its __init__ would run the slow cell search
    finder.page, finder.settings = page, TableSettings.resolve(None)
    finder.edges = finder.get_edges()
    intersections = edges_to_intersections(finder.edges, finder.settings.intersection_x_tolerance,
                                           finder.settings.intersection_y_tolerance)
    finder.intersections = intersections
    finder.cells = cells_of(intersections)
    finder.tables = [Table(page, group) for group in cells_to_tables(finder.cells)]
    return finder.tables


def cells_of(intersections: dict[Point, dict[str, list[dict]]]) -> list[tuple[float, float, float, float]]:
    """pdfplumber's `intersections_to_cells`: for each point in sorted order, the first point below and
    the first point to its right (joined to it by an edge) whose opposite corner closes the cell."""
    vertical = {point: set(map(utils.obj_to_bbox, edges["v"])) for point, edges in intersections.items()}
    horizontal = {point: set(map(utils.obj_to_bbox, edges["h"])) for point, edges in intersections.items()}
    points = sorted(intersections)
    by_x: dict[float, list[Point]] = defaultdict(list)
    by_y: dict[float, list[Point]] = defaultdict(list)
    for point in points:  # sorted, so each column runs downwards and each row rightwards
        by_x[point[0]].append(point)
        by_y[point[1]].append(point)

    def joined(a: Point, b: Point) -> bool:
        return bool((a[0] == b[0] and not vertical[a].isdisjoint(vertical[b]))
                    or (a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b])))

    cells = []
    for point in points:
        column, row = by_x[point[0]], by_y[point[1]]
        below = column[column.index(point) + 1:]
        right = row[row.index(point) + 1:]
        cell = _smallest_cell(point, below, right, joined, intersections)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point: Point, below: list[Point], right: list[Point], joined, intersections):
    for below_point in below:
        if not joined(point, below_point):
            continue
        for right_point in right:
            if not joined(point, right_point):
                continue
            corner = (right_point[0], below_point[1])
            if corner in intersections and joined(corner, right_point) and joined(corner, below_point):
                return (point[0], point[1], corner[0], corner[1])
    return None
