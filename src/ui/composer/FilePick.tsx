// Pieces the composer slots and the diff page share: the open files as <option>s, and a file picker styled as
// a button like the others (the native input stays in the DOM, visually hidden, for keyboard and tests).
import type { OpenFile } from '../store';

export function FileOptions({
  files,
  fits,
}: {
  files: readonly OpenFile[];
  /** Only files this accepts are offered (a slot offers the files of its kind). */
  fits?: (f: OpenFile) => boolean;
}) {
  return files
    .filter((f) => !f.demo && (!fits || fits(f)))
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
  accept,
  onFiles,
}: {
  label: string;
  testId: string;
  multiple?: boolean;
  /** File-picker filter (extensions), e.g. `.efi`. */
  accept?: string;
  onFiles(files: File[]): void;
}) {
  return (
    <label className="file-button">
      <input
        type="file"
        className="visually-hidden"
        multiple={multiple}
        accept={accept}
        aria-label={label}
        data-testid={testId}
        onChange={(e) => {
          const list = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (list.length > 0) onFiles(list);
        }}
      />
      <span aria-hidden="true">{multiple ? 'Choose files…' : 'Choose file…'}</span>
    </label>
  );
}
