export default function DiffPage() {
  return <div className="diff-page" />;
}
