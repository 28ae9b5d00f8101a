import { AccessDenied } from "@/app/_components/access-denied";

/** What forbidden() renders outside a project (the instance admin's pages), with HTTP 403. */
export default function AppForbidden() {
  return <AccessDenied />;
}
