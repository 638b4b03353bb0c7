export function App() {
  return (
    <main>
      <h1>Fukiscope</h1>
      <p>Inspector and composer for IGVM files, UKIs and FUKIs.</p>
    </main>
  );
}
