// The header row of a data table: one column header cell per name, each scoped to its column (so a screen reader
// announces the column name with every cell under it).
export function ColumnHeads({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
