import type { Metadata } from "next";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireSection } from "../_lib/section";
import { MembersManager } from "./_components/members-manager";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ projectId: string }> }) {
  const gate = await requireSection((await params).projectId, "members");
  const caller = await getCaller();
  const first = await settle(caller.members.list({ projectId: gate.project.id, limit: 100 }));
  return (
    <>
      <PageHeader
        title="Members"
        description="Who can work in this project, and in which role. People join by the email of their account."
      />
      {first.ok ? (
        <MembersManager projectId={gate.project.id} initialPage={first.data} />
      ) : (
        <Alert tone="danger">{first.message}</Alert>
      )}
    </>
  );
}
