import { NotFoundPanel } from "./_components/not-found-panel";

export default function NotFound() {
  return (
    <main className="px-4">
      <NotFoundPanel />
    </main>
  );
}
