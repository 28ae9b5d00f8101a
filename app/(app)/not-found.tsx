import { NotFoundPanel } from "@/app/_components/not-found-panel";

export default function AppNotFound() {
  return <NotFoundPanel />;
}
