export default function TeachingPage() {
  return <div className="teaching" />;
}
