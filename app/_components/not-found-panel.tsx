import Link from "next/link";
import { buttonClasses } from "./ui/button";

export function NotFoundPanel({ what = "page" }: { what?: string }) {
  return (
    <div className="mx-auto max-w-md py-16 text-center" data-testid="not-found">
      <p className="text-xs font-semibold tracking-wide text-muted uppercase">404</p>
      <h1 className="mt-2 text-lg font-semibold">This {what} doesn&apos;t exist</h1>
      <p className="mt-2 text-sm text-muted">
        It may have been removed, or you may not be a member of the project it belongs to.
      </p>
      <Link href="/" className={buttonClasses("secondary", "md", "mt-6")}>
        Back to projects
      </Link>
    </div>
  );
}
