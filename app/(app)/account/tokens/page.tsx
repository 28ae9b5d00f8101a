import type { Metadata } from "next";
import { getCaller, requireMe, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { TokensManager } from "./_components/tokens-manager";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const { user, projects } = await requireMe();
  const caller = await getCaller();
  const first = await settle(caller.tokens.list({ limit: 100 }));
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal access tokens let a pipeline call Loupe as you: send one as “Authorization: Bearer …”. A token never grants more than your roles at the moment it is used."
        actions={
          // A full page load (not a client navigation): the reference's script runs on load.
          <a href="/docs/api" className="text-sm font-medium text-accent hover:underline">
            REST API reference
          </a>
        }
      />
      {first.ok ? (
        <TokensManager
          isAdmin={user.isAdmin}
          projects={projects.map((p) => ({ id: p.id, name: p.name }))}
          initialPage={first.data}
        />
      ) : (
        <Alert tone="danger">{first.message}</Alert>
      )}
    </>
  );
}
