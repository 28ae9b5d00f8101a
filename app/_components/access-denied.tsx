import Link from "next/link";
import type { Role } from "@/lib/constants";
import { ROLE_LABEL } from "./ui/badge";
import { buttonClasses } from "./ui/button";

/** Shown in place of a page the caller's role may not open (the server refuses the data anyway). */
export function AccessDenied({
  role,
  needed,
  backHref = "/",
}: {
  role?: Role;
  needed?: readonly Role[];
  backHref?: string;
}) {
  return (
    <div className="mx-auto max-w-md py-16 text-center" data-testid="access-denied">
      <p className="text-xs font-semibold tracking-wide text-danger uppercase">403</p>
      <h1 className="mt-2 text-lg font-semibold">You don&apos;t have access to this page</h1>
      <p className="mt-2 text-sm text-muted">
        {role ? <>Your role here is {ROLE_LABEL[role]}. </> : null}
        {needed && needed.length > 0 ? <>It needs one of: {needed.map((r) => ROLE_LABEL[r]).join(", ")}. </> : null}
        Ask a project administrator if you need it.
      </p>
      <Link href={backHref} className={buttonClasses("secondary", "md", "mt-6")}>
        Go back
      </Link>
    </div>
  );
}
