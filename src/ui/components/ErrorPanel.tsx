import type { ReactNode } from 'react';

export function ErrorPanel({
  title,
  message,
  children,
}: {
  title: string;
  message: string;
  children?: ReactNode;
}) {
  return (
    <div className="error-panel" role="alert">
      <h2>{title}</h2>
      <p className="error-message">{message}</p>
      {children}
    </div>
  );
}
