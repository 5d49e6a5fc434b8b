/**
 * Arrow-key movement in the emoji picker: its sections (Frequently used,
 * Recent, each group) are laid out in rows of a fixed number of columns, one
 * after another, and the options are counted across all of them. Up and Down
 * keep the column, moving into the previous or next section at its edges.
 */

/** The arrow keys the picker's search box hands to the grid. */
export type GridKey = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown";

/**
 * The option reached from `index` by `key`, in sections of `sizes` options
 * laid out `columns` to a row; `index` itself when nothing lies that way.
 */
export function moveInGrid(
  sizes: number[],
  columns: number,
  index: number,
  key: GridKey,
): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  if (key === "ArrowLeft") return Math.max(0, index - 1);
  if (key === "ArrowRight") return Math.min(total - 1, index + 1);
  // Which section `index` is in, and where that section starts.
  let section = 0;
  let start = 0;
  while (index >= start + sizes[section]) start += sizes[section++];
  const local = index - start;
  const column = local % columns;
  const row = Math.floor(local / columns);
  if (key === "ArrowDown") {
    if ((row + 1) * columns < sizes[section]) {
      return start + Math.min((row + 1) * columns + column, sizes[section] - 1);
    }
    let next = start + sizes[section];
    for (let s = section + 1; s < sizes.length; s++) {
      if (sizes[s] > 0) return next + Math.min(column, sizes[s] - 1);
      next += sizes[s];
    }
    return index;
  }
  if (row > 0) return start + (row - 1) * columns + column;
  let previous = start;
  for (let s = section - 1; s >= 0; s--) {
    previous -= sizes[s];
    if (sizes[s] > 0) {
      const lastRow = Math.floor((sizes[s] - 1) / columns) * columns;
      return previous + Math.min(lastRow + column, sizes[s] - 1);
    }
  }
  return index;
}
