// Pieces the composer slots and the diff page share: the open files as <option>s, and a file picker input.
import type { OpenFile } from '../store';

export function FileOptions({ files }: { files: readonly OpenFile[] }) {
  return files
    .filter((f) => !f.demo)
    .map((f) => (
      <option key={f.id} value={f.id}>
        {f.name}
        {f.result ? ` (${f.result.kindLabel})` : ''}
      </option>
    ));
}

export function FileInput({
  label,
  testId,
  multiple,
  onFiles,
}: {
  label: string;
  testId: string;
  multiple?: boolean;
  onFiles(files: File[]): void;
}) {
  return (
    <input
      type="file"
      multiple={multiple}
      aria-label={label}
      data-testid={testId}
      onChange={(e) => {
        const list = Array.from(e.currentTarget.files ?? []);
        e.currentTarget.value = '';
        if (list.length > 0) onFiles(list);
      }}
    />
  );
}
